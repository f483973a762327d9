"""How long Copil keeps each kind of data: one table, next to the access policy, read by the daily purge
(`copil.privacy.purge`), by `copil retention --dry-run` and by the processing register (`copil registre`).

Columns:
- kind: a record kind (copil.records.models.RECORD_KINDS), `audit_trail` or `upload`;
- months: how long it is kept, counted from `counted_from`; "-" for data kept as long as its plan (not
  personal data: no automatic purge);
- counted_from: `last_contact` (the person's latest record of that kind in the plan), `plan_end` (the plan's
  end date; nothing is due while the plan has none), `event` (the entry's own date), `imported` (the upload's
  import, refusal or cancellation), `plan` (kept with the plan);
- minimum, maximum: the bounds a plan may set its own duration within (`copil.privacy.models.PlanRetention`);
  equal bounds: not overridable;
- at_expiry: `anonymise` (pseudonym and partner's identifier replaced by a random token, dates coarsened to
  the month, free text blanked), `delete`, or `keep`.

A record kind that indicators are computed from is anonymised, never deleted: deleting it would change the
figures already published (the table is refused otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

from copil.records.models import RECORD_KINDS

AUDIT_TRAIL = "audit_trail"
UPLOAD = "upload"
ANONYMISE, DELETE, KEEP = "anonymise", "delete", "keep"
COUNTED_FROM = ("last_contact", "plan_end", "event", "imported", "plan")

RETENTION_TABLE = """
kind                 months  counted_from  minimum  maximum  at_expiry
care_referral        36      last_contact  12       60       anonymise
conviction           12      plan_end      12       36       anonymise
deal_point           -       plan          -        -        keep
network              -       plan          -        -        keep
operation            -       plan          -        -        keep
seizure              -       plan          -        -        keep
arrest               -       plan          -        -        keep
deployment_reading   -       plan          -        -        keep
field_observation    -       plan          -        -        keep
camera               -       plan          -        -        keep
eviction_procedure   -       plan          -        -        keep
prevention_action    -       plan          -        -        keep
capacity_reading     -       plan          -        -        keep
agreement            -       plan          -        -        keep
drug_fine            -       plan          -        -        keep
weapon_seizure       -       plan          -        -        keep
asset_seizure        -       plan          -        -        keep
street_price         -       plan          -        -        keep
street_count         -       plan          -        -        keep
administrative_measure 12     plan_end      12       36       anonymise
penal_step           12      plan_end      12       36       anonymise
care_activity        -       plan          -        -        keep
audit_trail          72      event         72       72       delete
upload               0       imported      0        0        delete
"""


@dataclass(frozen=True)
class RetentionRule:
    """The retention of one kind of data."""

    kind: str
    months: int | None
    counted_from: str
    minimum: int | None
    maximum: int | None
    at_expiry: str

    @property
    def purged(self) -> bool:
        return self.at_expiry != KEEP

    @property
    def overridable(self) -> bool:
        return self.purged and self.minimum is not None and self.maximum is not None and self.minimum < self.maximum


def _months(cell: str) -> int | None:
    return None if cell == "-" else int(cell)


def parse_retention_table(text: str, figure_sources: frozenset[str] = frozenset()) -> dict[str, RetentionRule]:
    """{kind: rule}; checks every record kind is there, the bounds hold the default, and that no kind feeding
    an indicator (`figure_sources`) is deleted."""
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    expected = ["kind", "months", "counted_from", "minimum", "maximum", "at_expiry"]
    if header != expected:
        raise ValueError(f"retention table columns must be {expected}, got {header}")
    rules: dict[str, RetentionRule] = {}
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"retention table: row {row[0]} has {len(row) - 1} cells")
        kind, months, counted_from, minimum, maximum, at_expiry = row
        rule = RetentionRule(kind, _months(months), counted_from, _months(minimum), _months(maximum), at_expiry)
        if counted_from not in COUNTED_FROM or at_expiry not in (ANONYMISE, DELETE, KEEP):
            raise ValueError(f"retention table: row {kind} has an unknown origin or expiry")
        if rule.purged and (rule.months is None or not (rule.minimum or 0) <= rule.months <= (rule.maximum or 0)):
            raise ValueError(f"retention table: row {kind} must keep its data within its bounds")
        if at_expiry == DELETE and kind in figure_sources:
            raise ValueError(f"retention table: {kind} feeds indicators, it must be anonymised, not deleted")
        rules[kind] = rule
    missing = {*RECORD_KINDS, AUDIT_TRAIL, UPLOAD} - set(rules)
    if missing:
        raise ValueError(f"retention table: no row for {sorted(missing)}")
    return rules


def _figure_sources() -> frozenset[str]:
    from copil.indicators.catalogue import get_catalogue

    return frozenset(definition.source for definition in get_catalogue().values())


_rules: dict[str, RetentionRule] | None = None


def retention_rules() -> dict[str, RetentionRule]:
    """The parsed table (checked against the indicator catalogue once, on first use)."""
    global _rules
    if _rules is None:
        _rules = parse_retention_table(RETENTION_TABLE, _figure_sources())
    return _rules
