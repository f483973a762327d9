"""The daily roll-up stays equal to the record tables through every channel of writing, and the check repairs it."""

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copil.imports.importer import import_records
from copil.indicators import engine, rollup
from copil.indicators.catalogue import get_catalogue
from copil.indicators.models import DailyRollup
from copil.indicators.periods import Period
from copil.indicators.series import series
from copil.records import actions
from copil.records.models import Arrest, Seizure
from tests.factories import make_partner

START = dt.date(2023, 1, 1)
WINDOW = Period(START, dt.date(2023, 3, 31))
TODAY = dt.date(2023, 6, 30)
ROLLED = [d for d in get_catalogue().values() if rollup.has_cells(d)]


def figures(plan, period: Period) -> dict:
    """Every rolled-up indicator's result over the period, as the bilan reads it (without the definition)."""
    out = {}
    for definition in ROLLED:
        result = engine.compute(definition, period, plan=plan, today=TODAY)
        fields = dataclasses.asdict(result)
        fields.pop("definition")
        out[definition.code] = (fields, series(definition, period, plan=plan, today=TODAY))
    return out


def assert_rollup_matches(plan, *periods: Period) -> None:
    assert rollup.verify() == []
    for period in periods:
        rolled = figures(plan, period)
        with engine.record_tables():
            assert rolled == figures(plan, period)


def seizure(plan, partner, day, substance="cannabis", quantity="1.5", unit="kg", external_id="S1"):
    data = {
        "external_id": external_id,
        "seized_on": day,
        "substance": substance,
        "quantity": Decimal(quantity),
        "unit": unit,
    }
    return actions.create_record(None, "seizure", plan=plan, partner=partner, data=data)


def test_create_update_delete_apply_their_difference(plan, police):
    record = seizure(plan, police, dt.date(2023, 1, 10), quantity="1.234", unit="kg")
    cell = DailyRollup.objects.get(indicator="seizure_mass")
    assert (cell.day, cell.key, cell.record_count, cell.value) == (dt.date(2023, 1, 10), "cannabis", 1, 1_234_000)
    actions.update_record(None, record, {"substance": "crack", "unit": "g"}, expected_version=1)
    cell = DailyRollup.objects.get(indicator="seizure_mass")
    assert (cell.key, cell.value) == ("crack", 1_234)
    assert_rollup_matches(plan, WINDOW)
    actions.delete_record(None, Seizure.objects.get(pk=record.pk))
    assert not DailyRollup.objects.exists()  # cells left with no record are removed


def test_a_refused_update_leaves_the_rollup_as_it_was(plan, police):
    record = seizure(plan, police, dt.date(2023, 1, 10))
    with pytest.raises(actions.StaleRecord):
        actions.update_record(None, record, {"substance": "crack"}, expected_version=7)
    assert DailyRollup.objects.get(indicator="seizure_mass").key == "cannabis"


def test_import_folds_in_its_rows_and_replace_period_subtracts_what_it_deletes(plan, police):
    first = "identifiant;date;substance;quantite;unite\nA;2023-01-05;cannabis;2;kg\nB;2023-01-06;crack;3,5;g\n"
    import_records(io.StringIO(first), plan=plan, partner=police, kind="seizure", file_name="saisies.csv")
    assert_rollup_matches(plan, WINDOW)
    second = "identifiant;date;substance;quantite;unite\nA;2023-02-05;héroïne;2;kg\nC;2023-01-07;crack;1;unité\n"
    import_records(
        io.StringIO(second),
        plan=plan,
        partner=police,
        kind="seizure",
        file_name="saisies.csv",
        replace_period=(START, dt.date(2023, 12, 31)),
    )
    assert set(Seizure.objects.values_list("external_id", flat=True)) == {"A", "C"}
    assert_rollup_matches(plan, WINDOW)
    result = engine.compute("seizure_mass", WINDOW, plan=plan, today=TODAY)
    assert (result.value, result.breakdown, result.record_count) == (Decimal("2000.000"), {"heroin": 2000}, 1)


def test_verify_reports_drift_as_an_error_and_repairs_it(plan, police):
    seizure(plan, police, dt.date(2023, 1, 10))
    Arrest.objects.bulk_create(  # a write that bypasses the roll-up
        [Arrest(plan=plan, partner=police, external_id="I1", arrested_on=dt.date(2023, 1, 11), role="user")]
    )
    DailyRollup.objects.filter(indicator="seizures").update(record_count=5)

    # The drifted figures, read (and cached) before the repair: the repair must not leave them in the cache.
    def cached_figures() -> dict:
        results = engine.compute_many(["arrests", "seizures"], WINDOW, plan=plan, today=TODAY)
        return {code: result.value for code, result in results.items()}

    assert cached_figures() == {"arrests": 0, "seizures": 5}
    with pytest.raises(CommandError, match="2 écart"):
        call_command("rollup", verify=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert rollup.verify() == []
    assert engine.compute("arrests", WINDOW, plan=plan, today=TODAY).value == 1
    assert cached_figures() == {"arrests": 1, "seizures": 1}
    out = io.StringIO()
    call_command("rollup", verify=True, stdout=out)
    assert "conformes" in out.getvalue()


# --- property: after any sequence of writes, the roll-up reads exactly as the record tables ---------------------

days = st.integers(min_value=0, max_value=89).map(lambda n: START + dt.timedelta(days=n))
seizure_values = st.fixed_dictionaries(
    {
        "seized_on": days,
        "substance": st.sampled_from(["cannabis", "heroin", "cocaine", "crack", "other"]),
        "quantity": st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999.999"), places=3),
        "unit": st.sampled_from(["g", "kg", "unit"]),
    }
)
observation_values = st.fixed_dictionaries(
    {
        "observed_at": st.datetimes(
            min_value=dt.datetime(2023, 1, 1), max_value=dt.datetime(2023, 3, 31, 23, 59), timezones=st.just(dt.UTC)
        ),
        "people_count": st.integers(min_value=0, max_value=50),
        "source": st.sampled_from(["outreach", "patrol", "camera"]),
    }
)
deployment_values = st.fixed_dictionaries(
    {
        "deployed_on": days,
        "force": st.sampled_from(["police_nationale", "gendarmerie"]),
        "staff": st.integers(min_value=0, max_value=800),
    }
)
arrest_values = st.fixed_dictionaries({"arrested_on": days, "role": st.sampled_from(["trafficker", "user"])})
PSEUDONYMS = [f"{n:064x}" for n in (1, 2, 3)]
conviction_values = st.fixed_dictionaries(
    {
        "convicted_on": days,
        "pseudonym": st.sampled_from([*PSEUDONYMS, ""]),  # no pseudonym: a person of its own
        "repeat_offender": st.booleans(),
        "referral_to_court": st.booleans(),
    }
)
KIND_VALUES = {
    "conviction": conviction_values,
    "seizure": seizure_values,
    "field_observation": observation_values,
    "deployment_reading": deployment_values,
    "arrest": arrest_values,
}
kinds = st.sampled_from(sorted(KIND_VALUES))
steps = st.one_of(
    st.tuples(st.just("create"), kinds, st.integers(0, 1), st.data()),
    st.tuples(st.just("update"), kinds, st.integers(0, 50), st.data()),
    st.tuples(st.just("delete"), kinds, st.integers(0, 50), st.none()),
    st.tuples(
        st.just("import"),
        st.lists(st.tuples(st.integers(0, 6), seizure_values), min_size=1, max_size=6),
        st.integers(0, 1),
        st.booleans(),
    ),
    st.tuples(
        st.just("import_convictions"),
        st.lists(st.tuples(st.integers(0, 6), conviction_values), min_size=1, max_size=6),
        st.integers(0, 1),
        st.booleans(),
    ),
)
UNIT_WORDS = {"g": "g", "kg": "kg", "unit": "unité"}


def _import(plan, partner, kind, file_name, header, rows, line, replace):
    """Rows through the importer, each number once (a number seen in an earlier import updates its record);
    `replace` replaces February."""
    lines, seen = [header], set()
    for number, values in rows:
        if number not in seen:
            seen.add(number)
            lines.append(line(number, values))
    import_records(
        io.StringIO("\n".join(lines) + "\n"),
        plan=plan,
        partner=partner,
        kind=kind,
        file_name=file_name,
        replace_period=(dt.date(2023, 2, 1), dt.date(2023, 2, 28)) if replace else None,
    )


def _import_seizures(plan, partner, rows, replace):
    def line(number, values):
        quantity = str(values["quantity"]).replace(".", ",")
        return (
            f"F{number};{values['seized_on'].isoformat()};{values['substance']};{quantity};{UNIT_WORDS[values['unit']]}"
        )

    _import(plan, partner, "seizure", "saisies.csv", "identifiant;date;substance;quantite;unite", rows, line, replace)


def _import_convictions(plan, partner, rows, replace):
    """Convictions through the importer: a number seen before updates its record, and may move its person."""

    def line(number, values):
        flags = ";".join("oui" if values[name] else "non" for name in ("repeat_offender", "referral_to_court"))
        return f"C{number};{values['convicted_on'].isoformat()};{values['pseudonym']};{flags}"

    header = "identifiant;date;pseudonyme;recidiviste;deferement"
    _import(plan, partner, "conviction", "condamnations.csv", header, rows, line, replace)


@pytest.fixture
def partners(plan, police):
    return [police, make_partner(plan, role="police", code="gendarmerie", name="Gendarmerie")]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(steps, min_size=1, max_size=12), cut=days)
def test_any_sequence_of_writes_reads_the_same_from_the_rollup(plan, partners, sequence, cut):
    from copil.records.models import RECORD_KINDS

    cache.clear()  # the versions the persons are cached under are rolled back with each example
    with transaction.atomic():
        counter = 0
        for step in sequence:
            action, *arguments = step
            if action in {"import", "import_convictions"}:
                rows, partner_index, replace = arguments
                write = _import_seizures if action == "import" else _import_convictions
                write(plan, partners[partner_index], rows, replace)
                continue
            kind, number, data = arguments
            model = RECORD_KINDS[kind]
            if action == "create":
                counter += 1
                values = {"external_id": f"X{counter}", **data.draw(KIND_VALUES[kind])}
                actions.create_record(None, kind, plan=plan, partner=partners[number], data=values)
                continue
            existing = list(model.objects.filter(plan=plan).order_by("pk"))
            if not existing:
                continue
            record = existing[number % len(existing)]
            if action == "update":
                actions.update_record(None, record, data.draw(KIND_VALUES[kind]), expected_version=record.version)
            else:
                actions.delete_record(None, record)
        assert_rollup_matches(plan, WINDOW, Period(cut, WINDOW.end))
        transaction.set_rollback(True)


def test_distinct_persons_are_kept_through_writes_of_other_kinds(plan, police, django_assert_num_queries):
    from copil.privacy.rights import Identity, person_pseudonym

    justice = make_partner(plan, role="justice", code="parquet", name="Parquet")

    def convict(external_id, identity):
        data = {"external_id": external_id, "convicted_on": dt.date(2023, 2, 1)}
        data["pseudonym"] = person_pseudonym(plan, Identity(*identity.split()))
        actions.create_record(None, "conviction", plan=plan, partner=justice, data=data)

    convict("J1", "Dupont Jean 1980-01-01")
    assert engine.compute("convicted_persons", WINDOW, plan=plan, today=TODAY).value == 1
    seizure(plan, police, dt.date(2023, 1, 10))
    reader = engine._Reader(get_catalogue()["convicted_persons"])
    with django_assert_num_queries(1):  # the kind's version, nothing on the records
        assert reader.flow([((plan.pk,), WINDOW)]).value == 1
    convict("J2", "Martin Paul 1990-02-02")
    assert engine.compute("convicted_persons", WINDOW, plan=plan, today=TODAY).value == 2
