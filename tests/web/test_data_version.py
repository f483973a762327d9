"""The data version that keys the cached pages moves on with any change a page can state, edits in place
included, and only then."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.cache import cache

from copil.plans.models import Action, Axis, Decision, Meeting
from copil.web import caching

PERIOD = {"periode": "personnalisee", "du": "2023-01-01", "au": "2023-12-31"}


@pytest.fixture
def meeting(site) -> Meeting:
    return Meeting.objects.create(plan=site.plan, held_on=dt.date(2023, 5, 4), title="COPIL de printemps")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _edit_meeting_date(site, meeting):
    meeting.held_on = dt.date(2024, 2, 1)
    meeting.save()


def _rename_partner(site, meeting):
    partner = site.partners["police"]
    partner.name = "Commissariat central"
    partner.save()


def _add_attendee(site, meeting):
    meeting.attendees.add(site.partners["police"])


def _give_partner_an_axis(site, meeting):
    site.partners["care"].axes.add(Axis.objects.get(plan=site.plan, code=Axis.Code.PREVENTION_CARE))


def _add_partner_to_axis(site, meeting):
    Axis.objects.get(plan=site.plan, code=Axis.Code.PREVENTION_CARE).partners.add(site.partners["care"])


def _remove_partner_from_axis(site, meeting):
    axis = Axis.objects.get(plan=site.plan, code=Axis.Code.PREVENTION_CARE)
    axis.partners.add(site.partners["care"])
    version = caching.data_version(site.plan)
    axis.partners.remove(site.partners["care"])
    assert caching.data_version(site.plan) != version


def _clear_axis_partners(site, meeting):
    Axis.objects.filter(plan=site.plan).first().partners.clear()


def _rename_plan(site, meeting):
    site.plan.name = "Plan renommé"
    site.plan.save()


def _change_population(site, meeting):
    territory = site.plan.territory
    territory.population = (territory.population or 0) + 1000
    territory.save()


def _edit_decision(site, meeting):
    decision = Decision.objects.create(meeting=meeting, text="Renforcer les patrouilles")
    version = caching.data_version(site.plan)
    decision.text = "Renforcer les patrouilles de nuit"
    decision.save()
    assert caching.data_version(site.plan) != version


def _close_action(site, meeting):
    action = Action.objects.create(plan=site.plan, owner=site.partners["police"], title="Fermer le point rue X")
    version = caching.data_version(site.plan)
    action.status = Action.Status.DONE
    action.save()
    assert caching.data_version(site.plan) != version


EDITS: list[Callable] = [
    _edit_meeting_date,
    _rename_partner,
    _add_attendee,
    _give_partner_an_axis,
    _add_partner_to_axis,
    _remove_partner_from_axis,
    _clear_axis_partners,
    _rename_plan,
    _change_population,
    _edit_decision,
    _close_action,
]


@pytest.mark.parametrize("edit", EDITS, ids=[edit.__name__.strip("_") for edit in EDITS])
def test_an_edit_in_place_moves_the_version_on(site, meeting, edit):
    before = caching.data_version(site.plan)
    edit(site, meeting)
    assert caching.data_version(site.plan) != before


def test_the_version_stays_when_nothing_changes(site, meeting):
    assert caching.data_version(site.plan) == caching.data_version(site.plan)


def test_the_bilan_follows_a_meeting_moved_out_of_the_period(client, site, meeting):
    """The cached bilan's coordination paragraph counted the meeting; moved to the next year, it no longer does."""
    client.force_login(site.users["coordinator"])
    page = client.get(f"/plans/{site.plan.slug}/bilan/", PERIOD).content.decode()
    assert "réuni 1 fois sur la période" in page
    _edit_meeting_date(site, meeting)
    page = client.get(f"/plans/{site.plan.slug}/bilan/", PERIOD).content.decode()
    assert "fois sur la période" not in page


def test_record_writes_move_their_own_kind_s_counter_on(site):
    from decimal import Decimal

    from copil.indicators import versions
    from copil.records import actions

    plan, police = site.plan, site.partners["police"]
    before = versions.versions(plan.pk)
    record = actions.create_record(
        None,
        "seizure",
        plan=plan,
        partner=police,
        data={
            "external_id": "V1",
            "seized_on": dt.date(2023, 3, 1),
            "substance": "crack",
            "quantity": Decimal(2),
            "unit": "g",
        },
    )
    actions.update_record(None, record, {"quantity": Decimal(3)}, expected_version=1)
    after_update = versions.versions(plan.pk)
    assert after_update["seizure"] == before.get("seizure", 0) + 2
    assert after_update.get("conviction") == before.get("conviction")  # persons are not recomputed
    actions.delete_record(None, record)
    assert versions.versions(plan.pk)["seizure"] == after_update["seizure"] + 1


def test_an_import_moves_the_counter_on_once_per_file(site):
    import io

    from copil.imports.importer import import_records
    from copil.indicators import versions

    plan, police = site.plan, site.partners["police"]
    before = versions.versions(plan.pk).get("arrest", 0)
    rows = "".join(f"IMP{n};2023-04-0{n};usager\n" for n in range(1, 6))
    import_records(io.StringIO("identifiant;date;role\n" + rows), plan=plan, partner=police, kind="arrest")
    assert versions.versions(plan.pk)["arrest"] == before + 1


def test_the_version_is_read_in_one_query_whatever_the_records(site, django_assert_num_queries):
    with django_assert_num_queries(1):
        caching.data_version(site.plan)
