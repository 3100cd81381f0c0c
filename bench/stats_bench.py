"""Statistics recompute on 1,000,000 figures, against one hand-written SQL aggregate.

    scripts/bench bench/stats_bench.py [--figures 1000000] [--repeat 5]

scripts/bench starts a throwaway PostgreSQL cluster (as scripts/test does) and passes it in
DATABASE_URL; the bench refuses any other database.

The round: every force in the directory asked for 10 financial years; per force and year a
headline total, 19 victim-age cells (0..17 and unknown) and as many offence-type cells as it takes
to reach the number of figures asked for (summed into the offence-type table: docs/statistics.md).
All verified. Prints the recompute time (median of --repeat runs, storing the snapshot) and its
query count, beside the time of one hand-written SQL statement that aggregates the same rows the
statistics read. Target: within 2x of that statement, with a constant query count.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PERIODS = [f"{year}/{(year + 1) % 100:02d}" for year in range(2010, 2020)]
AGES = [str(age) for age in range(18)] + ["unknown"]

REFERENCE_SQL = """
SELECT f.period, f.breakdown, f.category, f.status,
       CASE WHEN f.breakdown = '' THEN r.force_id END AS force_id,
       COUNT(*) AS cells, SUM(f.value) AS total
FROM returns_figure f JOIN returns_foirequest r ON r.id = f.request_id
WHERE r.campaign_id = %(campaign)s AND f.measure = %(measure)s AND f.period = ANY(%(periods)s)
  AND f.verified_at IS NOT NULL
  AND f.breakdown IN ('', 'victim_age', 'offence_type') AND (f.breakdown <> '' OR f.category = '')
GROUP BY 1, 2, 3, 4, 5
"""


def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Run on PostgreSQL: scripts/bench bench/stats_bench.py")
    return url


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(figure_count):
    """One campaign, every force, 10 years; returns the campaign."""
    from django.contrib.auth.models import User
    from django.db import connection

    from forces.models import Force
    from returns.models import Campaign, FOIRequest

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE returns_figure, returns_statssnapshot CASCADE")
    Campaign.objects.filter(slug="bench").delete()
    verifier, _ = User.objects.get_or_create(username="bench-verifier")
    campaign = Campaign.objects.create(
        title="Bench", slug="bench", measure="online_child_sexual_offences", periods=PERIODS
    )
    forces = list(Force.objects.all())
    FOIRequest.objects.bulk_create(FOIRequest(campaign=campaign, force=f) for f in forces)
    cells_per_force_year = max(1 + len(AGES), round(figure_count / (len(forces) * len(PERIODS))))
    offence_types = cells_per_force_year - 1 - len(AGES)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH cells(breakdown, category) AS (
                SELECT '', '' UNION ALL
                SELECT 'victim_age', unnest(%(ages)s::text[]) UNION ALL
                SELECT 'offence_type', 'Offence ' || n FROM generate_series(1, %(types)s) n
            )
            INSERT INTO returns_figure (request_id, period, measure, breakdown, category, status,
                value, raw_value, note, caveat, caveat_text, entered_at, updated_at,
                verified_by_id, verified_at)
            SELECT r.id, p.period, %(measure)s, c.breakdown, c.category,
                CASE WHEN (r.id + length(c.category)) %% 97 = 0
                     THEN 'suppressed' ELSE 'reported' END,
                CASE WHEN (r.id + length(c.category)) %% 97 = 0 THEN NULL
                     ELSE (r.id * 7 + length(p.period) + length(c.category)) %% 400 END,
                '', '', false, '', now(), now(), %(verifier)s, now()
            FROM returns_foirequest r CROSS JOIN unnest(%(periods)s::text[]) AS p(period)
            CROSS JOIN cells c
            WHERE r.campaign_id = %(campaign)s
            """,
            {
                "ages": AGES,
                "types": offence_types,
                "measure": campaign.measure,
                "verifier": verifier.pk,
                "periods": PERIODS,
                "campaign": campaign.pk,
            },
        )
        cursor.execute("ANALYZE returns_figure")
    return campaign


def timed(function, repeat, setup=None):
    """Median seconds of `function` over `repeat` runs; `setup` runs before each, untimed."""
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--figures", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the reference's plan")
    args = parser.parse_args()
    setup_django(postgres_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from returns import snapshots
    from returns.models import Campaign, Figure, StatsSnapshot
    from returns.statistics import compute_statistics

    started = time.perf_counter()
    campaign = fill(args.figures)
    total = Figure.objects.count()
    print(f"Filled {total:,} verified figures in {time.perf_counter() - started:.1f} s")

    def make_stale():
        campaign.mark_data_changed()

    def recompute():
        assert snapshots.recompute_once(campaign.pk) == snapshots.RECOMPUTED

    def reference():
        with connection.cursor() as cursor:
            cursor.execute(
                REFERENCE_SQL,
                {"campaign": campaign.pk, "measure": campaign.measure, "periods": PERIODS},
            )
            return cursor.fetchall()

    make_stale()
    recompute()  # warm caches and plans for both
    reference()
    if args.explain:
        with connection.cursor() as cursor:
            params = {"campaign": campaign.pk, "measure": campaign.measure, "periods": PERIODS}
            cursor.execute("EXPLAIN ANALYZE " + REFERENCE_SQL, params)
            print("\n".join(row[0] for row in cursor.fetchall()))
    with CaptureQueriesContext(connection) as compute_queries:
        compute_statistics(Campaign.objects.get(pk=campaign.pk))
    make_stale()
    with CaptureQueriesContext(connection) as recompute_queries:
        recompute()
    read = StatsSnapshot.objects.get(campaign=campaign).figure_count
    reference_time = timed(reference, args.repeat)
    compute_time = timed(lambda: compute_statistics(campaign), args.repeat)
    recompute_time = timed(recompute, args.repeat, setup=make_stale)
    print(f"Figures the statistics read (headline and breakdown cells): {read:,}")
    print(f"Hand-written SQL aggregate:      {reference_time * 1000:8.1f} ms, 1 query")
    print(
        f"compute_statistics:              {compute_time * 1000:8.1f} ms, "
        f"{len(compute_queries)} queries ({compute_time / reference_time:.2f}x)"
    )
    print(
        f"Recompute and store snapshot:    {recompute_time * 1000:8.1f} ms, "
        f"{len(recompute_queries)} queries ({recompute_time / reference_time:.2f}x)"
    )


if __name__ == "__main__":
    main()
