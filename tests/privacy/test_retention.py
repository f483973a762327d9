"""Retention: the table's checks, the purge at a moved date, its audit entry and `copil retention`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from copil.access.audit import auditlog_disabled
from copil.access.models import AuditEvent
from copil.access.policy import PERSON_LEVEL_KINDS
from copil.access.retention import RETENTION_TABLE, parse_retention_table
from copil.indicators.catalogue import get_catalogue
from copil.indicators.engine import compute_many
from copil.indicators.periods import Period, add_months, plan_period
from copil.privacy.models import PlanRetention, Restriction
from copil.privacy.purge import ANONYMOUS_PREFIX, plan_purge, purge
from copil.records.models import CareReferral, Conviction

from .conftest import person_pseudonym

PURGE_DAY = dt.date(2026, 6, 1)  # referrals of before 1 June 2023 and every conviction of the plan are due


def test_the_table_refuses_deleting_what_figures_are_computed_from():
    table = RETENTION_TABLE.replace(
        "care_referral        36      last_contact  12       60       anonymise",
        "care_referral        36      last_contact  12       60       delete",
    )
    parse_retention_table(table)  # no indicator reads referrals: deleting them is allowed
    with pytest.raises(ValueError, match="care_referral feeds indicators"):
        parse_retention_table(table, frozenset({"care_referral"}))


def test_the_table_needs_every_record_kind_and_its_default_within_bounds():
    with pytest.raises(ValueError, match="no row for"):
        parse_retention_table("\n".join(RETENTION_TABLE.strip().splitlines()[:-1]))
    with pytest.raises(ValueError, match="within its bounds"):
        parse_retention_table(RETENTION_TABLE.replace("36      last_contact  12", "6       last_contact  12"))


def _figures(plan) -> dict:
    """Every figure of the person-level indicators (value, breakdown, record count) over the periods a bilan
    is made for: the plan, 18 months from its start, its years, quarters and months, the year before it.

    Comparisons with the previous period of the same length in days are not among them: their windows start
    on any day of a month, which a date coarsened to the month cannot follow (stored roll-ups will keep them).
    """
    definitions = [d for d in get_catalogue().values() if d.source in PERSON_LEVEL_KINDS]
    periods = [plan_period(plan.started_on, plan.ended_on), Period(plan.started_on, add_months(plan.started_on, 18))]
    periods += [Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31))]
    for year in (2023, 2024):
        periods.append(Period(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        for month in range(1, 13):
            start = dt.date(year, month, 1)
            periods.append(Period(start, add_months(start, 1) - dt.timedelta(days=1)))
            if month % 3 == 1:
                periods.append(Period(start, add_months(start, 3) - dt.timedelta(days=1)))
    figures = {}
    for period in periods:
        for code, result in compute_many(definitions, period, plan=plan, today=PURGE_DAY).items():
            figures[(code, period.start, period.end)] = (result.value, result.breakdown, result.record_count)
    return figures


def test_a_purge_at_a_moved_date_anonymises_exactly_the_records_due_and_keeps_every_figure(person_plan):
    before = _figures(person_plan)
    assert any(value for value, _b, _n in before.values())
    bruno = set(
        CareReferral.objects.filter(pseudonym=person_pseudonym("bruno", person_plan)).values_list("pk", "referred_on")
    )

    steps = purge(PURGE_DAY)

    assert {(s.kind, s.count) for s in steps} == {("care_referral", 4), ("conviction", 2)}
    referrals = CareReferral.objects.filter(plan=person_plan)
    anonymised = referrals.filter(external_id__startswith=ANONYMOUS_PREFIX)
    assert anonymised.count() == 4  # alice's three and chloe's one; bruno's last contact is of August 2024
    assert (
        set(referrals.filter(pseudonym=person_pseudonym("bruno", person_plan)).values_list("pk", "referred_on"))
        == bruno
    )
    for name in ("alice", "chloe"):
        assert not CareReferral.objects.filter(pseudonym=person_pseudonym(name, person_plan)).exists()
        assert not Conviction.objects.filter(pseudonym=person_pseudonym(name, person_plan)).exists()
    # one token per person: alice still counts once; dates on the month, never before the plan's start
    assert len(set(anonymised.values_list("pseudonym", flat=True))) == 2
    assert sorted(anonymised.values_list("referred_on", flat=True)) == [
        dt.date(2022, 12, 1),
        dt.date(2023, 1, 10),
        dt.date(2023, 4, 1),
        dt.date(2023, 5, 1),
    ]
    assert set(Conviction.objects.values_list("sentence", flat=True)) == {""}
    assert _figures(person_plan) == before
    assert plan_purge(PURGE_DAY) == []  # nothing is due twice


def test_the_plans_bilan_reads_the_same_after_the_purge(person_plan):
    """The bilan over the plan's whole duration, for members and as published: same prose, same footnotes."""
    from copil.reports.bilan import build_bilan

    def bilans():
        period = plan_period(person_plan.started_on, person_plan.ended_on)
        built = [build_bilan(person_plan, period, charts=False, published=published) for published in (False, True)]
        return [(b.text, [(s.text, s.notes) for section in b.sections for s in section.sentences]) for b in built]

    before = bilans()
    # alice's two referrals of the plan still make one person: a blanked pseudonym would have made four
    assert "3 personnes identifiées comme consommatrices ont été orientées" in before[0][0]
    assert "2 personnes ont été condamnées" in before[0][0]
    purge(PURGE_DAY)
    assert bilans() == before


def test_each_purge_step_writes_one_audit_entry_with_counts_and_no_content(person_plan):
    originals = set(CareReferral.objects.values_list("pseudonym", "external_id")) | set(
        Conviction.objects.values_list("pseudonym", "external_id")
    )
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    purge(PURGE_DAY)
    events = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))
    assert [(e.details["kind"], e.details["count"]) for e in events] == [("care_referral", 4), ("conviction", 2)]
    assert all(e.details["privacy"] == "retention" and e.plan_id == person_plan.pk for e in events)
    text = repr([(e.before, e.after, e.details, e.object_repr) for e in events])
    assert not any(value in text for pair in originals for value in pair)
    assert "dossier 2023/118" not in text


def test_a_plan_sets_its_own_duration_within_the_bounds(person_plan):
    override = PlanRetention(plan=person_plan, kind="care_referral", months=6)
    with pytest.raises(ValidationError) as refused, translation.override("fr"):
        override.full_clean()
    assert "Entre 12 et 60 mois" in str(refused.value)
    PlanRetention(plan=person_plan, kind="care_referral", months=60).full_clean()
    PlanRetention.objects.create(plan=person_plan, kind="care_referral", months=60)
    assert [(s.kind, s.count) for s in plan_purge(PURGE_DAY)] == [("conviction", 2)]
    with pytest.raises(ValidationError):
        PlanRetention(plan=person_plan, kind="audit_trail", months=72).full_clean()


def test_restricted_records_are_kept_and_counted(person_plan):
    restricted = CareReferral.objects.get(external_id="OR-6")  # chloe's
    Restriction.objects.create(plan=person_plan, kind="care_referral", record_id=restricted.pk)
    steps = {s.kind: s for s in purge(PURGE_DAY)}
    assert (steps["care_referral"].count, steps["care_referral"].restricted) == (3, 1)
    restricted.refresh_from_db()
    assert restricted.pseudonym == person_pseudonym("chloe", person_plan)


def test_the_dry_run_says_what_would_go_and_changes_nothing(person_plan):
    out = io.StringIO()
    call_command("retention", "--dry-run", "--day", PURGE_DAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "orientations vers le soin : 4 anonymisés (échus au 01/06/2023)" in text
    assert "condamnations : 2 anonymisés (échus au 01/06/2025)" in text
    assert not CareReferral.objects.filter(external_id__startswith=ANONYMOUS_PREFIX).exists()
    out = io.StringIO()
    call_command("retention", "--day", PURGE_DAY.isoformat(), stdout=out)
    assert CareReferral.objects.filter(external_id__startswith=ANONYMOUS_PREFIX).count() == 4


def test_the_audit_trail_and_former_members_are_forgotten_after_the_trails_retention(db):
    from django.contrib.auth import get_user_model

    from tests.factories import make_plan

    old_time = timezone.make_aware(dt.datetime(2020, 5, 31, 12))
    users = get_user_model().objects
    with auditlog_disabled():  # accounts of 2020: their creation is no longer in the trail
        former = users.create_user("jdupont", "j.dupont@example.fr", None, first_name="Jean", is_active=False)
        named = users.create_user("mmartin", "m.martin@example.fr", None, is_active=False)
    users.filter(pk__in=[former.pk, named.pk]).update(last_login=old_time, date_joined=old_time)
    AuditEvent.objects.create(action="deactivate", object_type="auth.user", object_id=str(named.pk))
    old = AuditEvent.objects.create(at=old_time, action="login", actor=former, actor_label="jdupont")
    kept = AuditEvent.objects.create(at=old_time + dt.timedelta(days=2), action="login", actor_label="autre")
    assert plan_purge(PURGE_DAY, [make_plan()]) == []  # one plan's purge leaves the deployment's data alone
    # on 1 June 2026 the entries of before 1 June 2020 are due (72 months)
    assert [(s.kind, s.count) for s in plan_purge(PURGE_DAY)] == [("audit_trail", 1), ("former_members", 1)]
    purge(PURGE_DAY)
    assert list(AuditEvent.objects.filter(pk__in=[old.pk, kept.pk])) == [kept]
    former.refresh_from_db()
    assert (former.username, former.email, former.first_name) == (f"ancien-membre-{former.pk}", "", "")
    named.refresh_from_db()
    assert named.username == "mmartin"  # a recent entry still names them
    events = AuditEvent.objects.filter(details__privacy="retention").order_by("pk")
    assert [(e.details["kind"], e.details["count"]) for e in events] == [("audit_trail", 1), ("former_members", 1)]
    assert "jdupont" not in repr([(e.details, e.object_repr, e.actor_label) for e in events])


def test_uploads_are_deleted_once_imported(db, tmp_path, settings):
    from copil.imports.models import ImportJob
    from tests.factories import make_partner, make_plan

    settings.COPIL_UPLOAD_DIR = tmp_path
    plan = make_plan()
    partner = make_partner(plan)
    files = {}
    for status in ("done", "previewed", "cancelled"):
        folder = tmp_path / status
        folder.mkdir()
        (folder / "saisies.csv").write_text("x")
        files[status] = folder
        ImportJob.objects.create(
            plan=plan, partner=partner, file_name="saisies.csv", stored_path=str(folder / "saisies.csv"), status=status
        )
    steps = purge(dt.date.today())
    assert [(s.kind, s.count) for s in steps] == [("upload", 2)]
    assert {status: folder.exists() for status, folder in files.items()} == {
        "done": False,
        "previewed": True,
        "cancelled": False,
    }


def test_the_daily_task_purges_and_sweeps_the_accounts(person_plan):
    from copil.privacy.tasks import daily_privacy

    counts = daily_privacy.call(day=PURGE_DAY.isoformat())
    assert counts["plan-rgpd:care_referral"] == 4 and counts["plan-rgpd:conviction"] == 2
    assert {"warned", "deactivated"} <= set(counts)
    assert daily_privacy.call(day=PURGE_DAY.isoformat()).get("plan-rgpd:care_referral") is None
