"""`copil scan`: the early-warning analysis of a plan on a day, or the daily task for every plan."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, timezone, translation

from copil.alerts.services import alert_summary, run_hot_spots, run_scan
from copil.alerts.tasks import daily_scan
from copil.plans.models import Plan
from copil.records.models import FieldObservation


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"Date invalide : « {text} » (format attendu : AAAA-MM-JJ)") from error


class Command(BaseCommand):
    help = (
        "Analyse d'alerte précoce : scan spatio-temporel prospectif des observations de terrain et points chauds "
        "émergents d'un plan (--plan), ou mise en file de la tâche quotidienne pour tous les plans (sans --plan)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="identifiant du plan (slug)")
        parser.add_argument("--day", type=_day, default=None, help="jour de l'analyse, AAAA-MM-JJ (aujourd'hui)")
        parser.add_argument("--replicates", type=int, default=999, help="réplications de Monte-Carlo (999)")
        parser.add_argument("--seed", type=int, default=None, help="graine des réplications (plan et jour)")
        parser.add_argument("--scheduler", default=None, help="adresse d'un ordonnanceur Dask (tcp://hôte:8786)")

    def handle(self, *args, plan, day, replicates, seed, scheduler, **options):
        translation.activate("fr")
        day = day or timezone.localdate()
        if replicates < 1:
            raise CommandError("Le nombre de réplications doit être au moins 1.")
        if not plan:
            result = daily_scan.enqueue(day=day.isoformat(), replicates=replicates)
            self.stdout.write(f"Tâche quotidienne d'alerte précoce du {day:%d/%m/%Y} mise en file ({result.id}).")
            return
        try:
            plan_obj = Plan.objects.get(slug=plan)
        except Plan.DoesNotExist as error:
            known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or "aucun"
            raise CommandError(f"Plan inconnu : « {plan} » (plans : {known})") from error
        observations = FieldObservation.objects.filter(plan=plan_obj, latitude__isnull=False).count()
        clusters = run_scan(plan_obj, day, replicates=replicates, seed=seed, scheduler=scheduler)
        hot_spots = run_hot_spots(plan_obj, day)
        self.stdout.write(
            f"Plan « {plan_obj.name} » — analyse du {formats.date_format(day, 'SHORT_DATE_FORMAT')} : "
            f"{observations} observations de terrain localisées, {replicates} réplications."
        )
        if clusters:
            plural = "s" if len(clusters) > 1 else ""
            self.stdout.write(f"{len(clusters)} regroupement{plural} significatif{plural} (p < 0,05) :")
            for alert in clusters:
                self.stdout.write(f"  • {alert_summary(alert)}")
        else:
            self.stdout.write("Aucun regroupement significatif (p < 0,05).")
        if hot_spots:
            plural = "s" if len(hot_spots) > 1 else ""
            self.stdout.write(f"{len(hot_spots)} point{plural} chaud{plural} émergent{plural} :")
            for alert in hot_spots:
                self.stdout.write(f"  • {alert_summary(alert)}")
        else:
            self.stdout.write("Aucun point chaud émergent.")
