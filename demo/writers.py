"""Writing a demo plan: `plan.toml` (territories, plan, axes, partners, actions, meetings, targets) and one
CSV file per partner and record kind, `demo/<plan>/<partner>/<file_stem>.csv`."""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from pathlib import Path

from demo.common import (
    COLUMNS,
    FRENCH_DATES,
    ROOT,
    Plan,
    yes_no,
)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def toml_table(header: str, values: dict[str, object]) -> str:
    lines = [header]
    for key, value in values.items():
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], str) and len(toml_value(value)) > 100:
            lines.append(f"{key} = [")
            lines.extend(f"    {toml_value(v)}," for v in value)
            lines.append("]")
        elif value is not None:
            lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines)


def write_toml(path: Path, comment: str, spec: dict[str, object]) -> None:
    blocks = [comment]
    blocks += [toml_table("[[territories]]", t) for t in spec["territories"]]
    blocks.append(toml_table("[plan]", spec["plan"]))
    for section in ("axes", "partners", "actions", "meetings", "targets"):
        blocks += [toml_table(f"[[{section}]]", item) for item in spec.get(section, [])]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


def cell(value: object, french_dates: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if french_dates else value.isoformat()
    return str(value)


def write_plan_files(plan: Plan) -> None:
    base = ROOT / plan.slug
    for child in sorted(base.iterdir()) if base.exists() else []:
        if child.is_dir():
            shutil.rmtree(child)
    for code, partner in sorted(plan.partners.items()):
        for stem, rows in sorted(partner.files.items()):
            # Keep the required identifier and every column at least one row fills.
            columns = [c for c in COLUMNS[stem] if c == "identifiant" or any(r.get(c) not in (None, "") for r in rows)]
            ids = [r["identifiant"] for r in rows]
            assert len(ids) == len(set(ids)), f"duplicate identifiant in {code}/{stem}"
            french = (plan.slug, code, stem) == FRENCH_DATES
            folder = base / code
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / f"{stem}.csv", "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, delimiter=";", lineterminator="\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([cell(row.get(c), french) for c in columns])
