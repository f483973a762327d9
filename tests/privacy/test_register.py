"""The processing register is generated from the policy and retention tables, so it follows their changes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from copil.access import policy
from copil.privacy.models import PlanRetention
from copil.privacy.register import build_register, kind_label, recipients, role_label


def _section(register, title):
    return next(s for s in register.sections if s.title == title)


def _register_recipients(register) -> dict[str, dict[str, str]]:
    """{role label: {kind label: scope}} as the register's table states them."""
    table = _section(register, "Destinataires")
    found = {}
    for role, own, plan_wide, _figures, _organisations in table.rows:
        kinds = {k: "own" for k in own.split(", ") if k != "—"}
        kinds.update({k: "plan" for k in plan_wide.split(", ") if k != "—"})
        found[role] = kinds
    return found


def _policy_recipients() -> dict[str, dict[str, str]]:
    """The same, read straight from the policy table's grants."""
    expected = {}
    for role, kinds in policy.RECORD_POLICY.items():
        readable = {
            kind_label(kind): "plan" if ("read", "plan") in grants else "own"
            for kind, grants in kinds.items()
            if any(action == "read" for action, _scope in grants)
        }
        if readable:
            expected[role_label(role)] = readable
    return expected


@pytest.fixture
def french():
    with translation.override("fr"):
        yield


def test_the_registers_recipients_are_the_policy_tables(person_plan, french):
    assert _register_recipients(build_register(person_plan)) == _policy_recipients()
    assert "orientations vers le soin" in _register_recipients(build_register(person_plan))["soins"]
    assert "orientations vers le soin" not in _register_recipients(build_register(person_plan))["coordinateur"]
    organisations = {row[0]: row[4] for row in _section(build_register(person_plan), "Destinataires").rows}
    assert organisations["soins"] == "CSAPA de l'Orne"
    volumes = {row[0]: row[1:] for row in _section(build_register(person_plan), "Volumes (pour l'AIPD)").rows}
    assert volumes == {
        "condamnations": ["2", "2"],
        "orientations vers le soin": ["6", "3"],
        "chaîne pénale": ["0", "0"],  # issue 14: every kind carrying pseudonyms
        "mesures administratives": ["0", "0"],
    }


def test_a_change_to_the_policy_changes_the_register(person_plan, french, monkeypatch):
    changed = policy.RECORD_TABLE.replace(
        "care_referral        -            -       -        -     -        crud  -       -       -",
        "care_referral        R            -       -        -     -        crud  -       -       -",
    )
    assert changed != policy.RECORD_TABLE
    monkeypatch.setattr(policy, "RECORD_POLICY", policy._parse_table(changed, policy.RECORD_KINDS))
    register = build_register(person_plan)
    assert _register_recipients(register)["coordinateur"]["orientations vers le soin"] == "plan"
    assert _register_recipients(register) == _policy_recipients()
    assert recipients()["coordinator"]["care_referral"] == "plan"


def test_the_register_states_the_plans_own_retention(person_plan, french):
    rows = {row[0]: row[1:] for row in _section(build_register(person_plan), "Conservation").rows}
    assert rows["orientations vers le soin"] == [
        "36 mois",
        "après le dernier enregistrement de la personne dans le plan",
        "anonymisées",
    ]
    PlanRetention.objects.create(plan=person_plan, kind="care_referral", months=48)
    rows = {row[0]: row[1:] for row in _section(build_register(person_plan), "Conservation").rows}
    assert rows["orientations vers le soin"][0] == "48 mois"
    assert rows["saisies"][0] == "pendant la durée du plan (données non personnelles)"


def test_copil_registre_writes_markdown_and_odt(person_plan, tmp_path):
    out = io.StringIO()
    call_command("registre", "--plan", person_plan.slug, "--output", str(tmp_path), stdout=out)
    markdown = (tmp_path / f"registre-{person_plan.slug}.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Registre des traitements")
    assert "| Rôle | Ses propres enregistrements |" in markdown
    from odf.opendocument import load
    from odf.table import Table

    document = load(str(tmp_path / f"registre-{person_plan.slug}.odt"))
    from odf import teletype

    tables = document.getElementsByType(Table)
    assert len(tables) == 4  # categories of data, recipients, retention, volumes
    recipients_table = teletype.extractText(tables[1])
    assert recipients_table.startswith("RôleSes propres enregistrements")
    assert "orientations vers le soin" in recipients_table
