"""Load a plan from a TOML description, and a whole plan directory of partners' CSV files.

The TOML file holds what the coordinator maintains by hand (territories, plan, axes, partners, targets,
actions, meetings); loading it again updates the same objects rather than duplicating them.
"""

import datetime as dt
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import TextChoices
from django.utils.text import slugify
from django.utils.translation import gettext as _

from copil.formats import FORMATS_BY_FILE_STEM
from copil.imports.importer import IMPORT_ORDER, ImportReport, import_records
from copil.indicators.catalogue import get_catalogue
from copil.plans.actions import put_plan_object, set_plan_object_links
from copil.plans.models import Action, Axis, Decision, Meeting, Partner, Plan, Target, Territory

PLAN_FILE_NAME = "plan.toml"

TERRITORY_KEYS = {"insee_code", "name", "level", "population", "parent"}
PLAN_KEYS = {"slug", "name", "territory", "started_on", "ended_on", "description"}
AXIS_KEYS = {"code", "title"}
PARTNER_KEYS = {"code", "name", "role", "axes"}
ACTION_KEYS = {"title", "axis", "owner", "status", "due_on", "done_on"}
MEETING_KEYS = {"held_on", "title", "place", "attendees", "decisions"}
DECISION_KEYS = {"text", "action"}
TARGET_KEYS = {"indicator", "value", "direction", "note"}
TOP_LEVEL_KEYS = {"territories", "plan", "axes", "partners", "actions", "meetings", "targets"}


class PlanFileError(Exception):
    """A plan file or directory could not be loaded; `errors` holds one French message per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class _Reader:
    """Typed access to the TOML data that records every problem with the key it was found at."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.errors: list[str] = []

    def error(self, key: str, reason: str) -> None:
        self.errors.append(_("{file}, {key}: {reason}").format(file=self.file_name, key=key, reason=reason))

    def table(self, data: Any, key: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.error(key, _("a table is expected"))
            return {}
        for unknown in sorted(set(data) - allowed):
            self.error(
                f"{key}.{unknown}" if key else unknown,
                _("unknown key (accepted keys: {keys})").format(keys=", ".join(sorted(allowed))),
            )
        return data

    def tables(self, data: dict[str, Any], name: str, allowed: set[str]) -> list[tuple[str, dict[str, Any]]]:
        """The entries of an array of tables, each with its key as written in messages (1-based)."""
        items = data.get(name, [])
        if not isinstance(items, list):
            self.error(name, _("a list of tables ([[{name}]]) is expected").format(name=name))
            return []
        return [(f"{name}[{i}]", self.table(item, f"{name}[{i}]", allowed)) for i, item in enumerate(items, 1)]

    def text(self, data: dict[str, Any], key: str, name: str, required: bool = True, max_length: int = 0) -> str:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(f"{key}.{name}", _("required value missing"))
            return ""
        if not isinstance(value, str):
            self.error(f"{key}.{name}", _("text expected, found « {value} »").format(value=value))
            return ""
        value = value.strip()
        if max_length and len(value) > max_length:
            self.error(
                f"{key}.{name}",
                _("text too long ({length} characters, at most {maximum})").format(
                    length=len(value), maximum=max_length
                ),
            )
        return value

    def date(self, data: dict[str, Any], key: str, name: str, required: bool = True) -> dt.date | None:
        value = data.get(name)
        if value is None:
            if required:
                self.error(f"{key}.{name}", _("required value missing"))
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(f"{key}.{name}", _("invalid date « {value} » (expected: YYYY-MM-DD)").format(value=value))
        return None

    def integer(self, data: dict[str, Any], key: str, name: str) -> int | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error(f"{key}.{name}", _("invalid whole number « {value} »").format(value=value))
            return None
        return value

    def choice(
        self,
        data: dict[str, Any],
        key: str,
        name: str,
        choices: type[TextChoices],
        label: str,
        default: str = "",
    ) -> str:
        value = data.get(name)
        if value is None:
            if not default:
                self.error(f"{key}.{name}", _("required value missing"))
            return default
        code = str(value).strip().lower()
        if code not in choices.values:
            self.error(
                f"{key}.{name}",
                _("unknown {what} « {value} » (accepted values: {accepted})").format(
                    what=label, value=value, accepted=", ".join(choices.values)
                ),
            )
            return default
        return code

    def codes(self, data: dict[str, Any], key: str, name: str) -> list[str]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f"{key}.{name}", _("a list of codes is expected"))
            return []
        return [v.strip() for v in value]

    def lookup(self, known: dict[str, Any], key: str, code: str, what: str) -> Any:
        if code not in known:
            self.error(
                key,
                _("unknown {what} « {value} » (known: {accepted})").format(
                    what=what, value=code, accepted=", ".join(sorted(known)) or "—"
                ),
            )
            return None
        return known[code]


def _parse(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise PlanFileError([_("{file}: file not found").format(file=path)]) from None
    except tomllib.TOMLDecodeError as error:
        raise PlanFileError([_("{file}: invalid TOML ({error})").format(file=path.name, error=error)]) from None


def load_plan_file(path: str | Path) -> Plan:
    """Create or update the plan described by a TOML file, with its territories, axes, partners, actions
    and meetings; raises PlanFileError, writing nothing, if any value is wrong."""
    path = Path(path)
    data = _parse(path)
    reader = _Reader(path.name)
    reader.table(data, "", TOP_LEVEL_KEYS)
    steps: list[Callable[[], None]] = []
    state: dict[str, Any] = {}

    territories = _read_territories(reader, data, steps, state)
    _read_plan(reader, data, steps, state, territories)
    axis_codes = _read_axes(reader, data, steps, state)
    partner_codes = _read_partners(reader, data, steps, state, axis_codes)
    action_titles = _read_actions(reader, data, steps, state, axis_codes, partner_codes)
    _read_meetings(reader, data, steps, state, partner_codes, action_titles)
    _read_targets(reader, data, steps, state)

    if reader.errors:
        raise PlanFileError(reader.errors)
    with transaction.atomic():
        for step in steps:
            step()
    return state["plan"]


def _read_territories(reader: _Reader, data: dict, steps: list, state: dict) -> set[str]:
    known = set(Territory.objects.values_list("insee_code", flat=True))
    for key, item in reader.tables(data, "territories", TERRITORY_KEYS):
        code = reader.text(item, key, "insee_code", max_length=10)
        name = reader.text(item, key, "name", max_length=200)
        level = reader.choice(item, key, "level", Territory.Level, _("level"))
        population = reader.integer(item, key, "population")
        parent = reader.text(item, key, "parent", required=False)
        if parent and parent not in known:
            reader.error(f"{key}.parent", _("unknown territory « {value} » (list parents first)").format(value=parent))
        if code:
            known.add(code)

        def save(code=code, name=name, level=level, population=population, parent=parent) -> None:
            put_plan_object(
                Territory,
                actor=None,
                lookup={"insee_code": code},
                values={
                    "name": name,
                    "level": level,
                    "population": population,
                    "parent": Territory.objects.get(insee_code=parent) if parent else None,
                },
            )

        steps.append(save)
    return known


def _read_plan(reader: _Reader, data: dict, steps: list, state: dict, territories: set[str]) -> None:
    if "plan" not in data:
        reader.error("plan", _("required table missing"))
        return
    item = reader.table(data["plan"], "plan", PLAN_KEYS)
    slug = reader.text(item, "plan", "slug", max_length=50)
    if slug and slugify(slug) != slug:
        reader.error(
            "plan.slug",
            _("invalid identifier « {value} » (lower-case letters, digits and hyphens)").format(value=slug),
        )
    name = reader.text(item, "plan", "name", max_length=200)
    territory = reader.text(item, "plan", "territory")
    if territory and territory not in territories:
        reader.error("plan.territory", _("unknown territory « {value} »").format(value=territory))
    started_on = reader.date(item, "plan", "started_on")
    ended_on = reader.date(item, "plan", "ended_on", required=False)
    if started_on and ended_on and ended_on < started_on:
        reader.error("plan.ended_on", _("the plan ends before it starts"))
    description = reader.text(item, "plan", "description", required=False)
    state["slug"] = slug

    def save() -> None:
        state["plan"], _created = put_plan_object(
            Plan,
            actor=None,
            lookup={"slug": slug},
            values={
                "name": name,
                "territory": Territory.objects.get(insee_code=territory),
                "started_on": started_on,
                "ended_on": ended_on,
                "description": description,
            },
        )

    steps.append(save)


def _existing_plan(state: dict) -> Plan | None:
    return Plan.objects.filter(slug=state.get("slug")).first() if state.get("slug") else None


def _read_axes(reader: _Reader, data: dict, steps: list, state: dict) -> set[str]:
    plan = _existing_plan(state)
    codes = set(Axis.objects.filter(plan=plan).values_list("code", flat=True)) if plan else set()
    for position, (key, item) in enumerate(reader.tables(data, "axes", AXIS_KEYS)):
        code = reader.choice(item, key, "code", Axis.Code, _("axis"))
        title = reader.text(item, key, "title", max_length=200)
        if code:
            codes.add(code)

        def save(code=code, title=title, position=position) -> None:
            put_plan_object(
                Axis,
                actor=None,
                lookup={"plan": state["plan"], "code": code},
                values={"title": title, "position": position},
            )

        steps.append(save)
    return codes


def _read_partners(reader: _Reader, data: dict, steps: list, state: dict, axis_codes: set[str]) -> set[str]:
    plan = _existing_plan(state)
    codes = set(Partner.objects.filter(plan=plan).values_list("code", flat=True)) if plan else set()
    for key, item in reader.tables(data, "partners", PARTNER_KEYS):
        code = reader.text(item, key, "code", max_length=50)
        if code and slugify(code) != code:
            reader.error(
                f"{key}.code",
                _("invalid code « {value} » (lower-case letters, digits and hyphens)").format(value=code),
            )
        name = reader.text(item, key, "name", max_length=200)
        role = reader.choice(item, key, "role", Partner.Role, _("role"))
        axes = reader.codes(item, key, "axes")
        for i, axis in enumerate(axes, 1):
            reader.lookup({c: c for c in axis_codes}, f"{key}.axes[{i}]", axis, _("axis"))
        if code:
            codes.add(code)

        def save(code=code, name=name, role=role, axes=axes) -> None:
            partner, _created = put_plan_object(
                Partner, actor=None, lookup={"plan": state["plan"], "code": code}, values={"name": name, "role": role}
            )
            set_plan_object_links(partner, "axes", Axis.objects.filter(plan=state["plan"], code__in=axes), actor=None)

        steps.append(save)
    return codes


def _read_targets(reader: _Reader, data: dict, steps: list, state: dict) -> None:
    """`[[targets]]`: the figures the committee aims for, one per indicator of the catalogue."""
    catalogue = get_catalogue()
    seen: set[str] = set()
    for key, item in reader.tables(data, "targets", TARGET_KEYS):
        indicator = reader.text(item, key, "indicator", max_length=80)
        if indicator and indicator not in catalogue:
            reader.error(f"{key}.indicator", _("unknown indicator « {code} »").format(code=indicator))
        elif indicator in seen:
            reader.error(f"{key}.indicator", _("indicator « {code} » has two targets").format(code=indicator))
        seen.add(indicator)
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            reader.error(
                f"{key}.value", _("invalid target « {value} »: a positive number is expected").format(value=value)
            )
            value = 0
        direction = reader.choice(item, key, "direction", Target.Direction, _("direction"), default="up")
        note = reader.text(item, key, "note", required=False, max_length=300)

        def save(indicator=indicator, value=value, direction=direction, note=note) -> None:
            put_plan_object(
                Target,
                actor=None,
                lookup={"plan": state["plan"], "indicator": indicator},
                values={"value": Decimal(str(value)), "direction": direction, "note": note},
            )

        steps.append(save)


def _read_actions(
    reader: _Reader, data: dict, steps: list, state: dict, axis_codes: set[str], partner_codes: set[str]
) -> set[str]:
    titles: set[str] = set()
    for key, item in reader.tables(data, "actions", ACTION_KEYS):
        title = reader.text(item, key, "title", max_length=300)
        if title in titles:
            reader.error(f"{key}.title", _("action « {value} » is listed twice").format(value=title))
        titles.add(title)
        axis = reader.text(item, key, "axis", required=False)
        if axis:
            reader.lookup({c: c for c in axis_codes}, f"{key}.axis", axis, _("axis"))
        owner = reader.text(item, key, "owner")
        if owner:
            reader.lookup({c: c for c in partner_codes}, f"{key}.owner", owner, _("partner"))
        status = reader.choice(item, key, "status", Action.Status, _("status"), default=Action.Status.PLANNED)
        due_on = reader.date(item, key, "due_on", required=False)
        done_on = reader.date(item, key, "done_on", required=False)

        def save(title=title, axis=axis, owner=owner, status=status, due_on=due_on, done_on=done_on) -> None:
            plan = state["plan"]
            put_plan_object(
                Action,
                actor=None,
                lookup={"plan": plan, "title": title},
                values={
                    "axis": Axis.objects.get(plan=plan, code=axis) if axis else None,
                    "owner": Partner.objects.get(plan=plan, code=owner),
                    "status": status,
                    "due_on": due_on,
                    "done_on": done_on,
                },
            )

        steps.append(save)
    return titles


def _read_meetings(
    reader: _Reader, data: dict, steps: list, state: dict, partner_codes: set[str], action_titles: set[str]
) -> None:
    for key, item in reader.tables(data, "meetings", MEETING_KEYS):
        held_on = reader.date(item, key, "held_on")
        title = reader.text(item, key, "title", max_length=300)
        place = reader.text(item, key, "place", required=False, max_length=300)
        attendees = reader.codes(item, key, "attendees")
        for i, code in enumerate(attendees, 1):
            reader.lookup({c: c for c in partner_codes}, f"{key}.attendees[{i}]", code, _("partner"))
        decisions: list[tuple[str, str]] = []
        raw_decisions = item.get("decisions", [])
        if not isinstance(raw_decisions, list):
            reader.error(f"{key}.decisions", _("a list of decisions is expected"))
            raw_decisions = []
        for i, decision in enumerate(raw_decisions, 1):
            decision_key = f"{key}.decisions[{i}]"
            if isinstance(decision, str):
                decision = {"text": decision}
            decision = reader.table(decision, decision_key, DECISION_KEYS)
            text = reader.text(decision, decision_key, "text")
            action = reader.text(decision, decision_key, "action", required=False)
            if action and action not in action_titles:
                reader.lookup({t: t for t in action_titles}, f"{decision_key}.action", action, _("action"))
            decisions.append((text, action))

        def save(held_on=held_on, title=title, place=place, attendees=attendees, decisions=decisions) -> None:
            plan = state["plan"]
            meeting, _created = put_plan_object(
                Meeting, actor=None, lookup={"plan": plan, "held_on": held_on, "title": title}, values={"place": place}
            )
            set_plan_object_links(
                meeting, "attendees", Partner.objects.filter(plan=plan, code__in=attendees), actor=None
            )
            for text, action in decisions:
                put_plan_object(
                    Decision,
                    actor=None,
                    lookup={"meeting": meeting, "text": text},
                    values={"action": Action.objects.get(plan=plan, title=action) if action else None},
                )

        steps.append(save)


def import_plan_directory(directory: str | Path) -> list[ImportReport]:
    """Load `plan.toml`, then every `<partner code>/<file stem>.csv` in dependency order, atomically.

    Raises PlanFileError for a bad plan file or layout, ImportRejected for the first rejected CSV file;
    in both cases nothing is written.
    """
    directory = Path(directory)
    plan_path = directory / PLAN_FILE_NAME
    if not plan_path.is_file():
        raise PlanFileError([_("{directory}: no {file} file").format(directory=directory, file=PLAN_FILE_NAME)])
    with transaction.atomic():
        plan = load_plan_file(plan_path)
        partners = {p.code: p for p in Partner.objects.filter(plan=plan)}
        files = _plan_csv_files(directory, partners)
        order = {kind: i for i, kind in enumerate(IMPORT_ORDER)}
        files.sort(key=lambda f: (order[f[0]], f[1].code, f[2].name))
        return [
            import_records(path, plan=plan, partner=partner, kind=kind, file_name=f"{partner.code}/{path.name}")
            for kind, partner, path in files
        ]


def _plan_csv_files(directory: Path, partners: dict[str, Partner]) -> list[tuple[str, Partner, Path]]:
    errors: list[str] = []
    files: list[tuple[str, Partner, Path]] = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        partner = partners.get(folder.name)
        if partner is None:
            errors.append(
                _("{directory}: folder « {folder} » names no partner of the plan (partners: {codes})").format(
                    directory=directory.name, folder=folder.name, codes=", ".join(sorted(partners))
                )
            )
            continue
        for path in sorted(folder.glob("*.csv")):
            fmt = FORMATS_BY_FILE_STEM.get(path.stem)
            if fmt is None:
                errors.append(
                    _("{file}: unknown file name (expected one of: {names})").format(
                        file=f"{folder.name}/{path.name}",
                        names=", ".join(f"{stem}.csv" for stem in FORMATS_BY_FILE_STEM),
                    )
                )
                continue
            files.append((fmt.kind, partner, path))
    if errors:
        raise PlanFileError(errors)
    return files
