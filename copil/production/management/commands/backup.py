"""`copil backup FILE`: the database and Copil's files in one archive, the keys excepted."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from copil.production.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database, the uploads and the generated bilans to FILE (.tar.gz); never the keys."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            summary = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Sauvegarde écrite : {summary.path} (base {summary.engine}, {summary.files} fichier(s), "
            f"{summary.size / 1e6:.1f} Mo). Les clés SECRET_KEY et COPIL_PSEUDONYM_KEY n'y sont pas : "
            "conservez-les à part."
        )
