"""`copil publish --plan alencon --period 2023-01-01..2024-06-30`: publish a period's bilan for the public."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from copil.plans.models import Plan
from copil.reports.actions import publish_bilan
from copil.reports.management.commands.bilan import resolve_period


class Command(BaseCommand):
    help = "Publish the public variant of a plan's bilan over a period (the system acts, as the committee decided)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="plan identifier (slug)")
        parser.add_argument("--period", required=True, help="a period expression: 2023, 2023-01-01..2024-06-30…")
        parser.add_argument("--note", default="", help="change note")

    def handle(self, *args, plan, period, note, **options):
        plan_obj = Plan.objects.filter(slug=plan).first()
        if plan_obj is None:
            raise CommandError(f"Plan inconnu « {plan} ».")
        try:
            version = publish_bilan(
                None, plan=plan_obj, period=resolve_period(plan_obj, None, None, period), change_note=note
            )
        except (ValueError, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        self.stdout.write(
            f"{plan_obj.slug} : bilan n° {version.number} publié ({version.period_start} – {version.period_end})"
        )
