"""Benchmark of `copil import-ssmsi` on a generated SSMSI communal base, against a plain read of the same file.

    python bench/bench_ssmsi.py [--rows 5000000] [--gzip]

Writes a file in the current layout of the « base statistique communale de la délinquance enregistrée » (communes
× years × 16 indicators, 3 of them the drug indicators kept by default; about one row in ten withheld), migrates a
fresh SQLite database in a temporary folder, then times: the baseline, Python's csv module reading every row of
the same file (nothing parsed, nothing stored); the import (every line checked, the kept rows parsed and stored);
the re-import (every figure unchanged). Prints rows per second, the ratio against the baseline and the peak memory.
"""

import argparse
import csv
import gzip
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = (
    '"CODGEO_2024";"annee";"indicateur";"unite_de_compte";"nombre";"taux_pour_mille";"est_diffuse";"insee_pop";'
    '"insee_pop_millesime";"insee_log";"insee_log_millesime";"complement_info_nombre";"complement_info_taux"\n'
)
INDICATORS = (
    ("Usage de stupéfiants", "Mis en cause"),
    ("Usage de stupéfiants (AFD)", "Mis en cause"),
    ("Trafic de stupéfiants", "Mis en cause"),
    *((f"Autre indicateur {n}", "Infraction") for n in range(13)),
)
YEARS = range(2016, 2025)


def write_file(path: Path, rows: int, *, compress: bool) -> None:
    rnd = random.Random(13)
    per_commune = len(YEARS) * len(INDICATORS)
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        written = 0
        commune = 0
        while written < rows:
            commune += 1
            code = f"{1 + commune // 1000:02d}{commune % 1000:03d}"
            population = rnd.choice((0, 150, 800, 2500, 12000, 80000))
            lines = []
            for year in YEARS:
                for indicator, unit in INDICATORS:
                    if rnd.random() < 0.1:
                        lines.append(
                            f'"{code}";{year};"{indicator}";"{unit}";NA;NA;"ndiff";{population};2021;'
                            f"{population // 2};2021;2,4;1,3\n"
                        )
                    else:
                        count = rnd.randint(0, 50)
                        rate = "NA" if population == 0 else f"{count * 1000 / population:.4f}".replace(".", ",")
                        lines.append(
                            f'"{code}";{year};"{indicator}";"{unit}";{count};{rate};"diff";{population};2021;'
                            f"{population // 2};2021;NA;NA\n"
                        )
            lines = lines[: min(per_commune, rows - written)]
            out.writelines(lines)
            written += len(lines)


def baseline(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")
    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as lines:
        count = sum(1 for _ in csv.reader(lines, delimiter=";", quotechar='"')) - 1
    return time.perf_counter() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--gzip", action="store_true", help="write and read a .csv.gz")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="copil-ssmsi-") as folder:
        path = Path(folder) / ("communes.csv.gz" if args.gzip else "communes.csv")
        started = time.perf_counter()
        write_file(path, args.rows, compress=args.gzip)
        written = time.perf_counter() - started
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copil.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from copil.official_statistics.ssmsi import import_file

        base_seconds, rows = baseline(path)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        first = import_file(path)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = import_file(path)
        again_seconds = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = path.stat().st_size / 1e6
    print(
        f"SSMSI communal base: {rows:,} rows ({size:,.0f} MB{', gzip' if args.gzip else ''}; "
        f"written in {written:.0f} s)"
    )
    print(f"  baseline, csv module reading every row: {base_seconds:.1f} s ({rows / base_seconds:,.0f} rows/s)")
    print(
        f"  import: {first_seconds:.1f} s ({rows / first_seconds:,.0f} rows/s), {first.kept:,} figures kept, "
        f"{first.created:,} created — {first_seconds / base_seconds:.1f}× the baseline"
    )
    print(
        f"  re-import: {again_seconds:.1f} s ({rows / again_seconds:,.0f} rows/s), {again.unchanged:,} unchanged, "
        f"{again.created + again.updated} written — {again_seconds / base_seconds:.1f}× the baseline"
    )
    print(f"  peak memory: {rss_after / 1024:,.0f} MB (before the imports: {rss_before / 1024:,.0f} MB)")


if __name__ == "__main__":
    main()
