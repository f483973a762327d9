"""`copil retention`: purge what the retention table says is due (`--dry-run`: only say what would go)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from copil.plans.models import Plan
from copil.privacy.accounts import sweep_inactive_accounts
from copil.privacy.purge import ANONYMISE, plan_purge, purge
from copil.privacy.register import kind_label
from copil.privacy.tasks import daily_privacy


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"Date invalide : « {text} » (format attendu : AAAA-MM-JJ)") from error


class Command(BaseCommand):
    help = (
        "Durées de conservation : anonymise ou supprime ce qui est échu et désactive les comptes inactifs "
        "(--dry-run : affiche seulement ce qui partirait ; --enqueue : met en file la tâche quotidienne)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="n'écrit rien, affiche ce qui partirait")
        parser.add_argument("--day", type=_day, default=None, help="jour de la purge, AAAA-MM-JJ (aujourd'hui)")
        parser.add_argument("--plan", help="un seul plan (slug) ; sans lui, tous les plans et le journal")
        parser.add_argument("--enqueue", action="store_true", help="met en file la tâche quotidienne (cron)")

    def handle(self, *args, dry_run, day, plan, enqueue, **options):
        translation.activate("fr")
        day = day or timezone.localdate()
        if enqueue:
            result = daily_privacy.enqueue(day=day.isoformat())
            self.stdout.write(
                f"Tâche quotidienne de protection des données du {day:%d/%m/%Y} mise en file ({result.id})."
            )
            return
        plans = None
        if plan:
            plans = list(Plan.objects.filter(slug=plan))
            if not plans:
                known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or "aucun"
                raise CommandError(f"Plan inconnu : « {plan} » (plans : {known})")
        steps = plan_purge(day, plans) if dry_run else purge(day, plans)
        self.stdout.write(f"Conservation au {day:%d/%m/%Y} ({'simulation' if dry_run else 'purge'}) :")
        if not steps:
            self.stdout.write("  rien n'est échu.")
        for step in steps:
            where = f"plan « {step.plan.name} »" if step.plan else "déploiement"
            what = "anonymisés" if step.action == ANONYMISE else "supprimés"
            line = f"  • {where} — {kind_label(step.kind)} : {step.count} {what} (échus au {step.due_before:%d/%m/%Y})"
            if step.restricted:
                line += f", {step.restricted} conservés car limités (art. 18)"
            self.stdout.write(line)
        if plan is None:
            sweep = sweep_inactive_accounts(dry_run=dry_run)
            verbs = ("seraient prévenus", "seraient désactivés") if dry_run else ("prévenus", "désactivés")
            self.stdout.write(
                f"Comptes inactifs : {len(sweep.warned)} {verbs[0]}, {len(sweep.deactivated)} {verbs[1]}."
            )
