"""`copil restore FILE`: an archive of `copil backup` into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from copil.production.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup of `copil backup` into an empty database (and empty upload and bilan folders)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            summary = restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Sauvegarde du {summary.created_at} restaurée (base {summary.engine}, {summary.files} fichier(s))."
        )
        if not summary.same_pseudonym_key:
            self.stderr.write(
                "Attention : COPIL_PSEUDONYM_KEY n'est pas la clé de la sauvegarde ; les pseudonymes des nouvelles "
                "saisies ne correspondront pas aux anciens. Configurez la clé d'origine."
            )
