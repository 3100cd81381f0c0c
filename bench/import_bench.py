"""Import speed on PostgreSQL: run with `scripts/bench bench/import_bench.py [ROWS]`.

Builds a long returns file of 100,000 rows (40 forces x 10 financial years x 250 cells:
headline total, 19 victim ages, 230 offence types) and prints seconds and rows/s for:
(a) our import resource (bulk, natural-key loader, history through simple_history's bulk
    helpers, ImportBatch, warnings), a real (non-dry) import into an empty campaign;
(b) the same resource with django-import-export's default settings (no bulk, diffs, one query
    per row to find the instance, save() per row) on a SMALLER SAMPLE (5,000 rows by default,
    BENCH_DEFAULT_ROWS to change), since on 100,000 rows it takes many minutes;
(c) a plain Figure.objects.bulk_create of the same rows (batch_size=1000, no history).
Also: the admin's dry-run preview and a re-import of the unchanged file with (a).
Target: (a) within 3x of (c), and at least 10x (b)'s rows/s.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from import_export.instance_loaders import ModelInstanceLoader  # noqa: E402

from forces.models import Force  # noqa: E402
from returns.importing.files import read_rows, rows_to_dataset  # noqa: E402
from returns.importing.resource import FigureResource  # noqa: E402
from returns.importing.rows import CampaignContext, parse_long  # noqa: E402
from returns.importing.service import import_long  # noqa: E402
from returns.models import Campaign, Figure, FOIRequest  # noqa: E402

FORCES, PERIODS = 40, [f"{year}/{(year + 1) % 100:02d}" for year in range(2010, 2020)]
AGES = ["Under 1", *map(str, range(1, 18)), "Unknown"]
OFFENCES = [f"Offence type {n}" for n in range(1, 231)]


class DefaultSettingsResource(FigureResource):
    """Our resource with the library's defaults for speed-related options."""

    class Meta(FigureResource.Meta):
        use_bulk = False
        batch_size = None
        skip_diff = False
        instance_loader_class = ModelInstanceLoader


def build_file(campaign, rows):
    lines = ["force,period,measure,breakdown,category,value,note"]
    forces = Force.objects.filter(requests__campaign=campaign).order_by("name")
    for force_index, force in enumerate(forces):
        for period_index, period in enumerate(PERIODS):
            base = 100 + force_index * 7 + period_index * 3
            lines.append(f"{force.name},{period},,,,{base * 10},")
            lines += [f"{force.name},{period},,victim_age,{age},{base % 50}," for age in AGES]
            lines += [f"{force.name},{period},,offence_type,{o},{base % 7}," for o in OFFENCES]
    return ("\n".join(lines[: rows + 1]) + "\n").encode()


def empty_figures():
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE returns_plausibilitywarning, returns_historicalfigure, returns_figure, "
            "returns_importbatch CASCADE"
        )


def timed(label, rows, action):
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:<62} {rows:>7,} rows {seconds:8.2f} s {rows / seconds:10,.0f} rows/s")
    return rows / seconds


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: scripts/bench bench/import_bench.py")
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    sample = int(os.environ.get("BENCH_DEFAULT_ROWS", 5_000))
    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = os.path.join(os.environ.get("VAR_DIR", "/tmp"), "media")
    user = User.objects.create(username="bench", is_staff=True)
    campaign = Campaign.objects.create(
        title="Bench", slug="bench", measure="online_child_sexual_offences", periods=PERIODS
    )
    for force in Force.objects.filter(active=True).order_by("name")[:FORCES]:
        FOIRequest.objects.create(campaign=campaign, force=force)
    data = build_file(campaign, rows)
    small = build_file(campaign, sample)

    def ours(dry_run=False):
        outcome = import_long(campaign, data, "bench.csv", user, dry_run=dry_run)
        assert outcome.ok, outcome.problems[:5]

    print(f"PostgreSQL {connection.pg_version}; file of {rows:,} rows ({len(data):,} bytes)")
    timed("(a)  our resource, dry run (admin preview)", rows, lambda: ours(dry_run=True))
    a = timed("(a)  our resource, real import into an empty campaign", rows, ours)
    timed("(a') our resource, re-import of the same file (all unchanged)", rows, ours)
    assert Figure.objects.count() == rows
    empty_figures()

    def default_settings():
        resource = DefaultSettingsResource(campaign=campaign, user=user, file_name="s.csv")
        result = resource.import_data(rows_to_dataset(read_rows(small)), dry_run=False)
        assert not result.problems, result.problems[:5]

    b = timed(
        f"(b)  same resource, library defaults (SAMPLE of {sample:,})", sample, default_settings
    )
    empty_figures()

    parsed = parse_long(rows_to_dataset(read_rows(data)), CampaignContext.for_campaign(campaign))

    def plain_bulk_create():
        Figure.objects.bulk_create(
            [
                Figure(
                    request=p.request,
                    period=p.period,
                    measure=p.measure,
                    breakdown=p.breakdown,
                    category=p.category,
                    status=p.status,
                    value=p.value,
                    raw_value=p.raw_value,
                    note=p.note,
                )
                for p in parsed
            ],
            batch_size=1000,
        )

    c = timed("(c)  plain bulk_create of the same rows (no history)", rows, plain_bulk_create)
    print(f"(a) takes {c / a:.2f}x the time of (c) (target: within 3x)")
    print(f"(a) is {a / b:.1f}x faster than (b) in rows/s (target: at least 10x)")


if __name__ == "__main__":
    main()
