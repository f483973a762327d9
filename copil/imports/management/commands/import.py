"""`copil import FILE --plan SLUG --partner CODE [--kind K] [--dry-run] [--replace-period FROM..TO]`.

Imports one partner's CSV, XLSX or ODS file, all rows or none. On a large file a progress bar is drawn
on stderr (when stderr is a terminal, or with --progress).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from copil.formats import FORMATS, FORMATS_BY_FILE_STEM
from copil.imports.importer import ImportRejected, import_records, parse_replace_period
from copil.imports.management.errors import rejection
from copil.plans.models import Partner, Plan

PROGRESS_MIN_ROWS = 50_000  # smaller files import in a blink: no bar


class ProgressBar:
    """A one-line progress bar redrawn in place (`\\r`) on a command's OutputWrapper, a few times a second;
    files under `min_rows` rows (estimated) get none."""

    def __init__(self, stream: Any, min_rows: int = PROGRESS_MIN_ROWS, width: int = 30, interval: float = 0.2):
        self.stream = stream
        self.min_rows = min_rows
        self.width = width
        self.interval = interval
        self.last = float("-inf")
        self.drawn = False

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not self.drawn and (total if total is not None else done) < self.min_rows:
            return
        if not finished and now - self.last < self.interval:
            return
        self.last = now
        if total:
            filled = int(self.width * min(done / total, 1))
            bar = "#" * filled + "-" * (self.width - filled)
            text = _("[{bar}] {percent} % — {done} / {total} rows").format(
                bar=bar, percent=int(100 * min(done / total, 1)), done=f"{done:,}", total=f"{total:,}"
            )
        else:
            text = _("{done} rows read").format(done=f"{done:,}")
        self.stream.write("\r" + text.replace(",", "\u202f") + ("\n" if finished else ""), ending="")
        self.drawn = True
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a partner's file of records (CSV, XLSX or ODS) into a plan, all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV, XLSX or ODS file")
        parser.add_argument("--plan", required=True, help="plan identifier (slug)")
        parser.add_argument("--partner", required=True, help="code of the partner the file comes from")
        parser.add_argument(
            "--kind",
            choices=sorted({*FORMATS, *FORMATS_BY_FILE_STEM}),
            help="record kind or file stem, when the file name does not tell",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count the changes, write nothing"
        )
        parser.add_argument(
            "--replace-period",
            metavar="FROM..TO",
            help="also delete the partner's records of this kind dated within the period that the file omits",
        )
        parser.add_argument("--progress", action="store_true", help="draw the progress bar even when not on a terminal")

    def handle(
        self,
        *args,
        file: str,
        plan: str,
        partner: str,
        kind: str | None,
        dry_run: bool = False,
        replace_period: str | None = None,
        progress: bool = False,
        **options,
    ) -> None:
        translation.activate("fr")
        found_plan = Plan.objects.filter(slug=plan).first()
        if found_plan is None:
            raise CommandError(_("unknown plan « {slug} »").format(slug=plan))
        found_partner = Partner.objects.filter(plan=found_plan, code=partner).first()
        if found_partner is None:
            raise CommandError(_("unknown partner « {code} » in plan « {slug} »").format(code=partner, slug=plan))
        period = None
        if replace_period:
            try:
                period = parse_replace_period(replace_period)
            except ValueError as error:
                raise CommandError(str(error)) from None
        bar = ProgressBar(self.stderr, min_rows=0) if progress else ProgressBar(self.stderr)
        show = progress or self.stderr.isatty()
        try:
            report = import_records(
                file,
                plan=found_plan,
                partner=found_partner,
                kind=kind,
                dry_run=dry_run,
                replace_period=period,
                channel="cli",
                on_progress=bar if show else None,
            )
        except (ImportRejected, OSError) as error:
            raise rejection(self, error) from None
        self.stdout.write(report.summary())
