"""`copil import FILE --plan SLUG --partner CODE [--kind KIND]`: import one partner's CSV file."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from copil.imports.formats import FORMATS
from copil.imports.importer import ImportRejected, import_records
from copil.imports.management.errors import rejection
from copil.plans.models import Partner, Plan


class Command(BaseCommand):
    help = "Import a partner's CSV file of records into a plan (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file")
        parser.add_argument("--plan", required=True, help="plan identifier (slug)")
        parser.add_argument("--partner", required=True, help="code of the partner the file comes from")
        parser.add_argument("--kind", choices=sorted(FORMATS), help="record kind, when the file name does not tell")

    def handle(self, *args, file: str, plan: str, partner: str, kind: str | None, **options) -> None:
        translation.activate("fr")
        found_plan = Plan.objects.filter(slug=plan).first()
        if found_plan is None:
            raise CommandError(_("unknown plan « {slug} »").format(slug=plan))
        found_partner = Partner.objects.filter(plan=found_plan, code=partner).first()
        if found_partner is None:
            raise CommandError(_("unknown partner « {code} » in plan « {slug} »").format(code=partner, slug=plan))
        try:
            report = import_records(file, plan=found_plan, partner=found_partner, kind=kind)
        except (ImportRejected, OSError) as error:
            raise rejection(self, error) from None
        self.stdout.write(report.summary())
