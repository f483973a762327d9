"""`copil demo`: load the seed plans through the importer, write their bilans, then serve the app."""

import os
import secrets
import tomllib
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from copil.alerts.services import alert_summary, run_hot_spots, run_scan
from copil.imports.plan_file import import_plan_directory
from copil.indicators.periods import parse_period
from copil.plans.models import Plan
from copil.reports.actions import publish_bilan, published_version
from copil.reports.bilan import build_bilan
from copil.reports.rendering import write_bilan
from copil.signalements.demo import add_demo_signalements
from copil.web.national_demo import create_national_demo


class Command(BaseCommand):
    help = "Load the demo plans (demo/*/), write their bilans to var/bilans/ and serve on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="do everything but serve")
        parser.add_argument("--demo-dir", type=Path, default=None, help="folder of the demo plans")
        parser.add_argument("--output", type=Path, default=None, help="folder for the bilans")
        parser.add_argument("--address", default="127.0.0.1:8000", help="address to serve on")
        parser.add_argument(
            "--national",
            type=int,
            default=0,
            metavar="N",
            help="also create N made-up plans across the départements, to try the national view (/territoires/)",
        )

    def handle(self, *args, no_serve, demo_dir, output, address, national=0, **options):
        translation.activate("fr")
        demo_dir = demo_dir or settings.COPIL_DEMO_DIR
        output = output or settings.COPIL_BILAN_DIR
        manifest_path = demo_dir / "bilans.toml"
        if not manifest_path.exists():
            raise CommandError(f"Fichier introuvable : {manifest_path}")
        call_command("migrate", interactive=False, verbosity=0)
        for plan_dir in sorted(p for p in demo_dir.iterdir() if (p / "plan.toml").exists()):
            reports = import_plan_directory(plan_dir)
            self.stdout.write(f"{plan_dir.name} : {len(reports)} fichiers importés")
        if national:
            year = timezone.localdate().year - 1
            plans = create_national_demo(national, year=year)
            self.stdout.write(f"{len(plans)} plans de démonstration nationale ({year}) : vue sur /territoires/")
        self._demo_account()
        manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
        for entry in manifest.get("bilan", []):
            plan = Plan.objects.get(slug=entry["plan"])
            period = parse_period(entry["period"], plan_start=plan.started_on, plan_end=plan.ended_on)
            if added := add_demo_signalements(plan, period):
                self.stdout.write(f"{plan.slug} : {added} signalements de démonstration")
            if published_version(plan, period) is None:
                publish_bilan(None, plan=plan, period=period, change_note="bilan de l'article de presse")
            bilan = build_bilan(plan, period)
            for output_format in ("html", "md", "pdf"):
                self.stdout.write(str(write_bilan(bilan, output, output_format)))
            self._early_warning(plan, period.end)
        if not no_serve:
            call_command("serve", address)

    def _early_warning(self, plan: Plan, day) -> None:
        """Run the daily scan and the hot-spot analysis as of the bilan's last day, so the map shows their alerts."""
        alerts = run_scan(plan, day) + run_hot_spots(plan, day)
        self.stdout.write(f"{plan.slug} : {len(alerts)} alerte(s) au {day:%d/%m/%Y}")
        for alert in alerts:
            self.stdout.write(f"  - {alert_summary(alert)}")

    def _demo_account(self) -> None:
        """A demo administrator, so the internal pages can be visited; its password is printed, never stored in git."""
        password = os.environ.get("COPIL_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(
            username="demo", defaults={"is_staff": True, "is_superuser": True, "email": "demo@copil.invalid"}
        )
        user.set_password(password)
        user.save()
        self.stdout.write(f"Compte de démonstration : identifiant « demo », mot de passe « {password} »")
