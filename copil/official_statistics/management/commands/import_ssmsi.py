"""`copil import-ssmsi FILE`: load the SSMSI base of recorded delinquency (communes or départements)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from copil.official_statistics.ssmsi import DRUG_INDICATORS, SsmsiFileError, import_file


class Command(BaseCommand):
    help = (
        "Importe la base statistique communale ou départementale de la délinquance enregistrée du SSMSI "
        "(CSV ou CSV.GZ de data.gouv.fr) : indicateurs des stupéfiants, et ceux donnés par --indicateur."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier .csv ou .csv.gz")
        parser.add_argument(
            "--indicateur",
            action="append",
            default=[],
            dest="indicators",
            help="indicateur à conserver en plus de ceux des stupéfiants (répétable), tel qu'écrit dans le fichier",
        )

    def handle(self, *args, file, indicators, **options):
        translation.activate("fr")
        try:
            summary = import_file(file, [*DRUG_INDICATORS, *indicators])
        except FileNotFoundError as error:
            raise CommandError(f"Fichier introuvable : {file}") from error
        except SsmsiFileError as error:
            raise CommandError(f"{file} refusé, rien n'a été importé : {error}") from error
        self.stdout.write(
            f"{summary.rows_read} lignes lues, {summary.kept} chiffres retenus : {summary.created} créés, "
            f"{summary.updated} mis à jour, {summary.unchanged} inchangés."
        )
