"""The processing register entry of a plan (GDPR art. 30) and the facts a DPIA starts from, generated from the
code's own tables, so that it can never drift from what Copil does: recipients from the access policy
(`copil.access.policy.RECORD_POLICY` and `AGGREGATE_POLICY`), retention from the retention table
(`copil.access.retention`, with the plan's own durations), categories of data from the record models, security
measures from the settings in force. Written as Markdown and as ODT (odfpy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copil.access import policy
from copil.access.retention import AUDIT_TRAIL, UPLOAD, retention_rules
from copil.plans.models import Partner, Plan
from copil.records.models import RECORD_KINDS

from .models import DataProtectionOfficer
from .purge import retention_months


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Register:
    title: str
    sections: list[Section]


def kind_label(kind: str) -> str:
    """The French name of a kind of data of the retention table."""
    if kind == AUDIT_TRAIL:
        return _("audit trail entries")
    if kind == UPLOAD:
        return _("uploaded files")
    if kind == "former_members":
        return _("accounts of former members")
    return str(RECORD_KINDS[kind]._meta.verbose_name_plural)


def role_label(role: str) -> str:
    if role == policy.SUPERUSER:
        return _("deployment administrators")
    return str(Partner.Role(role).label)


def recipients() -> dict[str, dict[str, str]]:
    """{role: {record kind: "own" or "plan"}}: who reads the lines of each kind, straight from the policy table."""
    found: dict[str, dict[str, str]] = {}
    for role, kinds in policy.RECORD_POLICY.items():
        for kind, grants in kinds.items():
            scopes = {scope for action, scope in grants if action == "read"}
            if scopes:
                found.setdefault(role, {})[kind] = "plan" if "plan" in scopes else "own"
    return found


def _retention_text(plan: Plan | None, kind: str) -> tuple[str, str, str]:
    rule = retention_rules()[kind]
    if not rule.purged:
        return _("as long as the plan (not personal data)"), "", ""
    months = retention_months(plan, kind) or 0
    duration = ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    origin = {
        "last_contact": _("after the person's last record in the plan"),
        "plan_end": _("after the end of the plan"),
        "event": _("after the entry"),
        "imported": _("after the import"),
    }[rule.counted_from]
    expiry = _("anonymised") if rule.at_expiry == "anonymise" else _("deleted")
    return duration, origin, expiry


def build_register(plan: Plan) -> Register:
    """The register entry of the plan's processing, in French."""
    person_kinds = sorted(policy.PSEUDONYMISED_KINDS)  # records naming a person by a pseudonym
    partners = {
        role: ", ".join(Partner.objects.filter(plan=plan, role=role).order_by("name").values_list("name", flat=True))
        for role in policy.ROLES
        if Partner.objects.filter(plan=plan, role=role).exists()
    }
    partners[policy.SUPERUSER] = _("deployment administrators")
    sections = [
        Section(
            _("Controller and data protection officer"),
            [
                _("Processing: Copil, information system of the steering committee of the plan « %(plan)s ».")
                % {"plan": plan.name},
                _("Designated data protection officers: %(names)s.")
                % {
                    "names": ", ".join(
                        d.user.get_full_name() or d.user.get_username()
                        for d in DataProtectionOfficer.objects.filter(plan=plan).select_related("user")
                    )
                    or _("none yet")
                },
            ],
        ),
        Section(
            _("Purposes"),
            [
                _(
                    "Steering the local action plan against drug trafficking and its harms: following the actions of "
                    "each partner, computing the plan's indicators and writing its periodic bilan."
                ),
                _("Early warning of the re-forming of open-air drug scenes from field observations."),
                _("Counting the persons referred to care and the persons convicted, without identifying them."),
            ],
        ),
        Section(
            _("Legal basis"),
            [
                _(
                    "Task carried out in the public interest (GDPR art. 6-1-e): local policy of crime prevention and "
                    "the fight against drugs led by the prefect."
                ),
                _("Health data (referrals to care): GDPR art. 9-2-h and 9-2-i, pseudonymised at entry."),
                _("Data on criminal convictions: GDPR art. 10, entered by the public prosecutor's office only."),
            ],
        ),
        Section(
            _("Categories of data"),
            header=[_("Kind of record"), _("Fields"), _("Personal data")],
            rows=[
                [
                    str(model._meta.verbose_name_plural),
                    ", ".join(
                        str(f.verbose_name)
                        for f in model._meta.concrete_fields
                        if f.name not in {"id", "plan", "version", "created_at", "updated_at"}
                    ),
                    _("yes, pseudonymised") if kind in person_kinds else _("no"),
                ]
                for kind, model in RECORD_KINDS.items()
            ],
        ),
        Section(
            _("Categories of persons"),
            [
                ngettext(
                    "Persons recorded under a pseudonym (%(n)d kind of record): %(kinds)s.",
                    "Persons recorded under a pseudonym (%(n)d kinds of record): %(kinds)s.",
                    len(person_kinds),
                )
                % {"kinds": ", ".join(kind_label(k) for k in person_kinds), "n": len(person_kinds)},
                _("Staff of the partners holding an account: name, e-mail address, logins and actions (audit trail)."),
            ],
        ),
        Section(
            _("Recipients"),
            [_("Per role, the records whose lines it reads (access policy table) and the figures it sees on persons.")],
            header=[
                _("Role"),
                _("Its own partner's records"),
                _("Every record of the plan"),
                _("Figures on persons"),
                _("Organisations of the plan"),
            ],
            rows=[
                [
                    role_label(role),
                    ", ".join(kind_label(k) for k, scope in kinds.items() if scope == "own") or "—",
                    ", ".join(kind_label(k) for k, scope in kinds.items() if scope == "plan") or "—",
                    ", ".join(
                        f"{kind_label(k)} : {_level_label(policy.AGGREGATE_POLICY[role][column])}"
                        for k, column in [
                            *((k, k) for k in sorted(policy.PERSON_LEVEL_KINDS)),
                            ("care_activity", "care_activity_persons"),  # its counts of persons (issue 14)
                        ]
                    ),
                    partners.get(role, "—"),
                ]
                for role, kinds in recipients().items()
            ],
        ),
        Section(
            _("Retention"),
            header=[_("Kind of data"), _("Kept for"), _("Counted from"), _("Then")],
            rows=[[kind_label(kind), *_retention_text(plan, kind)] for kind in retention_rules()],
        ),
        Section(
            _("Volumes (for the impact assessment)"),
            header=[_("Kind of record"), _("Records"), _("Distinct persons")],
            rows=[
                [kind_label(kind), str(records), str(persons)] for kind, (records, persons) in _volumes(plan).items()
            ],
        ),
        Section(_("Security measures"), _security_measures()),
        Section(
            _("Rights of the persons"),
            [
                _(
                    "The plan's data protection officer finds a person's records from their identity, exports them "
                    "(access), corrects them, restricts or erases them (anonymisation); each step is audited."
                )
            ],
        ),
    ]
    title = _("Processing register — %(plan)s — %(date)s") % {
        "plan": plan.name,
        "date": f"{timezone.localdate():%d/%m/%Y}",
    }
    return Register(title, sections)


def _volumes(plan: Plan) -> dict[str, tuple[int, int]]:
    """Records and distinct persons (pseudonyms, anonymised tokens included) per person-level kind in the plan."""
    volumes = {}
    for kind in sorted(policy.PSEUDONYMISED_KINDS):
        records = RECORD_KINDS[kind].objects.filter(plan=plan)
        persons = records.exclude(pseudonym="").values("pseudonym").distinct().count()
        volumes[kind] = (records.count(), persons + records.filter(pseudonym="").count())
    return volumes


def _level_label(level: str) -> str:
    return {"exact": _("exact"), "suppressed": _("small counts hidden"), "hidden": _("hidden")}[level]


def _security_measures() -> list[str]:
    rules = retention_rules()
    measures = [
        _(
            "Pseudonymisation: persons are recorded only as an HMAC-SHA-256 of their identity, keyed by a secret of "
            "the deployment; the identity is never stored."
        ),
        _("Access matrix: one policy table of %(roles)d roles, enforced on every channel and proven by tests.")
        % {"roles": len(policy.RECORD_POLICY)},
        _("Audit trail: append-only, every change, export and purge, kept %(months)d months.")
        % {"months": rules[AUDIT_TRAIL].months},
        _("Published figures: counts of persons under %(n)d are shown as « < %(n)d ».")
        % {"n": policy.DEFAULT_DISCLOSURE_THRESHOLD},
    ]
    at_rest = getattr(settings, "COPIL_ENCRYPTION_AT_REST", "")
    measures.append(
        _("Encryption at rest: %(how)s.") % {"how": at_rest} if at_rest else _("Encryption at rest: not declared.")
    )
    if getattr(settings, "SECURE_SSL_REDIRECT", False):
        measures.append(_("Encryption in transit: HTTPS enforced."))
    return measures


# --- rendering -----------------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(register: Register) -> str:
    lines = [f"# {register.title}", ""]
    for section in register.sections:
        lines += [f"## {section.title}", ""]
        lines += [line for paragraph in section.paragraphs for line in (paragraph, "")]
        if section.header:
            lines.append("| " + " | ".join(_md_cell(c) for c in section.header) + " |")
            lines.append("|" + "---|" * len(section.header))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in section.rows]
            lines.append("")
    return "\n".join(lines)


def to_odt(register: Register, path: str) -> None:
    """Write the register as an OpenDocument text file."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    document = OpenDocumentText()
    bold = Style(name="Entete", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    document.text.addElement(H(outlinelevel=1, text=register.title))
    for number, section in enumerate(register.sections):
        document.text.addElement(H(outlinelevel=2, text=section.title))
        for paragraph in section.paragraphs:
            document.text.addElement(P(text=paragraph))
        if section.header:
            table = Table(name=f"Tableau{number + 1}")
            table.addElement(TableColumn(numbercolumnsrepeated=len(section.header)))
            for row_number, row in enumerate([section.header, *section.rows]):
                table_row = TableRow()
                for cell in row:
                    table_cell = TableCell(valuetype="string")
                    table_cell.addElement(P(text=cell, stylename=bold if row_number == 0 else None))
                    table_row.addElement(table_cell)
                table.addElement(table_row)
            document.text.addElement(table)
    document.save(path)
