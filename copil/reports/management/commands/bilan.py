"""`copil bilan --plan alencon --from 2023-01-01 --to 2024-06-30 --format html`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from copil.indicators.periods import Period, parse_period
from copil.plans.models import Plan
from copil.reports.bilan import build_bilan
from copil.reports.rendering import OUTPUT_FORMATS, write_bilan


def resolve_period(plan: Plan, start: str | None, end: str | None, text: str | None) -> Period:
    """A period from `--from/--to` dates or from a period expression, in the plan's frame."""
    if text:
        return parse_period(text, plan_start=plan.started_on, plan_end=plan.ended_on)
    if not start:
        raise CommandError("Indiquez une période : --from et --to, ou --period.")
    return parse_period(
        f"{start}..{end}" if end else f"depuis le {start}", plan_start=plan.started_on, plan_end=plan.ended_on
    )


class Command(BaseCommand):
    help = "Write the bilan of a plan for a period, in French, as HTML, Markdown, PDF or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="plan identifier (slug)")
        parser.add_argument("--from", dest="start", help="first day, AAAA-MM-JJ")
        parser.add_argument("--to", dest="end", help="last day, AAAA-MM-JJ (included)")
        parser.add_argument(
            "--period",
            help="a period expression: 2023, 2023-T2, « 18 mois », « depuis le 1er janvier 2023 »…",
        )
        parser.add_argument(
            "--format",
            dest="formats",
            action="append",
            choices=OUTPUT_FORMATS,
            help="html (default), md, pdf or csv; repeat for several",
        )
        parser.add_argument(
            "--public", action="store_true", help="the published variant: small counts of persons shown as « < 5 »"
        )
        parser.add_argument("--output", type=Path, help="folder to write into (default: var/bilans)")

    def handle(self, *args, plan, start, end, period, formats, output, public=False, **options):
        translation.activate("fr")
        try:
            plan_obj = Plan.objects.select_related("territory").get(slug=plan)
        except Plan.DoesNotExist:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "aucun"
            raise CommandError(f"Plan inconnu « {plan} » (plans existants : {known}).") from None
        try:
            chosen = resolve_period(plan_obj, start, end, period)
        except ValueError as error:
            raise CommandError(str(error)) from None
        formats = formats or ["html"]
        # Charts are drawn only for the formats that show them.
        bilan = build_bilan(plan_obj, chosen, published=public, charts=bool({"html", "pdf"} & set(formats)))
        for output_format in formats:
            path = write_bilan(bilan, output or settings.COPIL_BILAN_DIR, output_format)
            self.stdout.write(str(path))
