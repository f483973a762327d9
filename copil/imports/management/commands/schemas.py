"""`copil schemas [--output DIR] [--check]`: write (or check) the published Table Schemas and examples."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copil.formats.schemas import stale_schemas, write_schemas

DEFAULT_DIRECTORY = Path(settings.BASE_DIR).parent / "schemas"


class Command(BaseCommand):
    help = "Write the Table Schema and example CSV of every record kind under schemas/ (or check they are current)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(DEFAULT_DIRECTORY), help="folder to write (default: schemas/)")
        parser.add_argument(
            "--check", action="store_true", help="write nothing; fail if a file is missing or out of date"
        )

    def handle(self, *args, output: str, check: bool = False, **options) -> None:
        translation.activate("fr")
        if check:
            stale = stale_schemas(output)
            if stale:
                for name in stale:
                    self.stderr.write(name)
                raise CommandError(
                    ngettext(
                        "{count} published file is out of date: run `copil schemas`",
                        "{count} published files are out of date: run `copil schemas`",
                        len(stale),
                    ).format(count=len(stale))
                )
            self.stdout.write(_("the published schemas are up to date"))
            return
        written = write_schemas(output)
        self.stdout.write(
            ngettext("{count} file written in {folder}", "{count} files written in {folder}", len(written)).format(
                count=len(written), folder=output
            )
        )
