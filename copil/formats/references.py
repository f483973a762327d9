"""How a record names another record, and which records it may name: one rule for forms, the API and files.

A reference is the other record's identifier (`OPE-2023-0001`), of the same partner, or `code:identifier` for a
record of another partner of the plan (`police-municipale:OPE-2022-0001`). It may only name a record of the plan
that the person entering it may read (any record of the plan for the system): a record they cannot read is
refused as unknown, so a refusal never tells which identifiers exist.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from copil.access import policy
from copil.access.actors import Actor
from copil.formats.catalogue import FORMATS
from copil.formats.errors import CellError, ErrorCode
from copil.plans.models import Plan
from copil.records.models import RECORD_KINDS, Record


def split_reference(text: str, partners_by_code: Mapping[str, int], own_partner_id: int) -> tuple[int, str]:
    """(partner primary key, identifier) named by a reference (`partners_by_code`: lower-case code -> key)."""
    prefix, separator, rest = text.partition(":")
    if separator and prefix.strip().lower() in partners_by_code and rest.strip():
        return partners_by_code[prefix.strip().lower()], rest.strip()
    return own_partner_id, text


def referable_records(actor: Actor, kind: str, plan: Plan | int) -> QuerySet[Record]:
    """The records of `kind` a record of `plan` entered by `actor` may link to (None: the system)."""
    if actor is None:
        plan_id = plan.pk if isinstance(plan, Plan) else plan
        return RECORD_KINDS[kind]._default_manager.filter(plan_id=plan_id)
    records: QuerySet[Record] = policy.visible_records(actor, kind, plan=plan)
    return records


def unknown_reference(text: str, external_id: str, partner_code: str, kind: str) -> CellError:
    """The refusal of a reference to no record the person may link to."""
    return CellError(
        ErrorCode.UNKNOWN_REFERENCE,
        _("unknown reference « {value} »: no record « {id} » of partner « {partner} » in {stem}.csv").format(
            value=text, id=external_id, partner=partner_code, stem=FORMATS[kind].file_stem
        ),
    )
