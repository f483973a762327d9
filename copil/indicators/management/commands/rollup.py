"""`copil rollup --verify`: compare the daily roll-up with the record tables and repair it (`--rebuild`: recompute)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from copil.indicators import rollup
from copil.plans.models import Plan

SHOWN_DRIFTS = 20


class Command(BaseCommand):
    help = (
        "Agrégats quotidiens : --verify les compare aux enregistrements et répare tout écart (signalé comme une "
        "erreur) ; --rebuild les recalcule entièrement."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--verify", action="store_true", help="compare et répare, erreur en cas d'écart")
        group.add_argument("--rebuild", action="store_true", help="recalcule tout depuis les enregistrements")
        parser.add_argument("--plan", help="un seul plan (slug) ; sans lui, tous les plans")

    def handle(self, *args, verify, rebuild, plan, **options):
        translation.activate("fr")
        plan_ids = None
        if plan:
            plan_ids = list(Plan.objects.filter(slug=plan).values_list("pk", flat=True))
            if not plan_ids:
                known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or "aucun"
                raise CommandError(f"Plan inconnu : « {plan} » (plans : {known})")
        if rebuild:
            rollup.rebuild(plan_ids)
            self.stdout.write("Agrégats quotidiens recalculés depuis les enregistrements.")
            return
        drifts = rollup.verify(plan_ids=plan_ids, repair=True)
        if not drifts:
            self.stdout.write("Agrégats quotidiens conformes aux enregistrements.")
            return
        for drift in drifts[:SHOWN_DRIFTS]:
            self.stderr.write(rollup.describe(drift))
        if len(drifts) > SHOWN_DRIFTS:
            self.stderr.write(f"… et {len(drifts) - SHOWN_DRIFTS} autres écarts.")
        raise CommandError(f"{len(drifts)} écart(s) entre les agrégats quotidiens et les enregistrements, réparé(s).")
