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
