"""`copil import-signalements PLAN FILE`: import the deal-point reports forwarded by the police's national
reporting platform (CSV: date, commune, adresse, description) into the plan's signalements, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from copil.plans.models import Plan
from copil.signalements.intake import IntakeError, import_national_channel


class Command(BaseCommand):
    help = (
        "Importe les signalements de points de deal transmis par la plateforme nationale de signalement "
        "(CSV : date, commune, adresse, description) dans la file du plan ; un fichier déjà importé n'ajoute rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan", help="identifiant court (slug) du plan")
        parser.add_argument("file", help="fichier .csv")

    def handle(self, *args, plan, file, **options):
        translation.activate("fr")
        found = Plan.objects.filter(slug=plan).first()
        if found is None:
            raise CommandError(f"Plan inconnu : « {plan} »")
        path = Path(file)
        try:
            content = path.read_bytes()
        except FileNotFoundError as error:
            raise CommandError(f"Fichier introuvable : {file}") from error
        try:
            report = import_national_channel(found, content, actor=None)
        except IntakeError as error:
            raise CommandError(f"{file} refusé, rien n'a été importé :\n" + "\n".join(error.errors)) from error
        self.stdout.write(
            f"{report.rows} signalements lus : {report.created} ajoutés, {report.unchanged} déjà importés."
        )
