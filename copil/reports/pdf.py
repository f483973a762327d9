"""The bilan as a PDF for the committee, laid out by WeasyPrint from a print template.

A4, a cover page (the plan's logos, plan, territory, its co-pilots, period, date, "Comité de pilotage"), then the
key figures and the introduction, with a table of contents whose page numbers WeasyPrint resolves
(`target-counter`) only when the text is long enough to need one, one section per axis with its charts — the very
SVG of the HTML page, drawn once by `build_bilan` — the numbered sources at the end, page numbers in the footer. The
file is tagged PDF/UA-1 (structure tree, language, title), for screen readers.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from copil.indicators.periods import format_date_fr as format_date
from copil.plans.letterhead import letterhead
from copil.plans.models import Partner

from .bilan import Bilan

PRINT_TEMPLATE = "reports/bilan_print.html"
PDF_VARIANT = "pdf/ua-1"
# A table of contents helps from this length on (about three pages of text); shorter, it would stand alone.
CONTENTS_MIN_SECTIONS = 3
CONTENTS_MIN_WORDS = 1200


def needs_contents(bilan: Bilan) -> bool:
    """Whether the printed bilan is long enough for a table of contents."""
    words = len(bilan.text.split())
    return len(bilan.sections) >= CONTENTS_MIN_SECTIONS and words >= CONTENTS_MIN_WORDS


def render_print_html(bilan: Bilan) -> str:
    """The HTML WeasyPrint lays out: the bilan with its cover and table of contents."""
    with translation.override("fr"):
        period = bilan.period
        context = {
            "bilan": bilan,
            "show_contents": needs_contents(bilan),
            "footer": _("{plan} — report {period}").format(plan=bilan.plan.name, period=period.label),
            "period_range": f"{format_date(period.start)} – {format_date(period.end)}",
            "plan_start": format_date(bilan.plan.started_on),
            "generated_on": format_date(timezone.localtime(bilan.generated_at).date()),
            "letterhead": letterhead(bilan.plan),
            "coordinators": list(
                Partner.objects.filter(plan=bilan.plan, role=Partner.Role.COORDINATOR)
                .order_by("name")
                .values_list("name", flat=True)
            ),
        }
        return render_to_string(PRINT_TEMPLATE, context)


def bilan_pdf(bilan: Bilan) -> bytes:
    """The bilan as PDF bytes."""
    # WeasyPrint is imported here: it is slow to import and only the PDF needs it.
    import weasyprint

    document = weasyprint.HTML(string=render_print_html(bilan), base_url=None)
    return document.write_pdf(pdf_variant=PDF_VARIANT)
