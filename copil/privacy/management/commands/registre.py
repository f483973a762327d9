"""`copil registre`: the processing register entry of a plan, as Markdown and ODT."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from copil.plans.models import Plan
from copil.privacy.register import build_register, to_markdown, to_odt

FORMATS = ("md", "odt")


class Command(BaseCommand):
    help = "Écrit la fiche du registre des traitements d'un plan (Markdown et ODT), tirée des tables du code."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="identifiant du plan (slug)")
        parser.add_argument("--output", default=None, help="dossier de sortie (var/registre/)")
        parser.add_argument("--format", action="append", choices=FORMATS, help="md, odt (les deux par défaut)")

    def handle(self, *args, plan, output, format, **options):
        translation.activate("fr")
        plan_obj = Plan.objects.filter(slug=plan).first()
        if plan_obj is None:
            known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or "aucun"
            raise CommandError(f"Plan inconnu : « {plan} » (plans : {known})")
        folder = Path(output) if output else Path(settings.VAR_DIR) / "registre"
        folder.mkdir(parents=True, exist_ok=True)
        register = build_register(plan_obj)
        for output_format in format or FORMATS:
            path = folder / f"registre-{plan_obj.slug}.{output_format}"
            if output_format == "md":
                path.write_text(to_markdown(register), encoding="utf-8")
            else:
                to_odt(register, str(path))
            self.stdout.write(f"Registre écrit : {path}")
