"""`copil import-plan DIRECTORY_OR_TOML`: load a plan file, or a plan directory with its partners' files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copil.imports.importer import ImportRejected
from copil.imports.management.errors import rejection
from copil.imports.plan_file import PlanFileError, import_plan_directory, load_plan_file


class Command(BaseCommand):
    help = "Load a plan.toml file, or a directory holding plan.toml and one folder of CSV files per partner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="plan TOML file or plan directory")

    def handle(self, *args, path: str, **options) -> None:
        translation.activate("fr")
        target = Path(path)
        try:
            if target.is_dir():
                reports = import_plan_directory(target)
                for report in reports:
                    self.stdout.write(report.summary())
                count = len(reports)
                self.stdout.write(
                    ngettext("{count} file imported", "{count} files imported", count).format(count=count)
                )
            else:
                plan = load_plan_file(target)
                self.stdout.write(_("plan « {name} » loaded").format(name=plan.name))
        except PlanFileError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(_("plan not loaded, nothing was written")) from None
        except ImportRejected as error:
            raise rejection(self, error) from None
