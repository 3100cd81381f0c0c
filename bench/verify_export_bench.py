"""Verification and export speed on PostgreSQL: `scripts/bench bench/verify_export_bench.py [N]`.

Imports N figures (default 100,000: 40 forces x 10 years x 250 cells) through the real import
service as one user, then prints seconds and figures/s for: verify_returns' service as the
same user (all refused), as another user (all verified, one bulk write with history), and
export_dataset in CSV, XLSX and JSON. Target: each step well under a minute for a round far
larger than the charity's (~40 forces x a few years x ~30 cells).
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from import_bench import FORCES, PERIODS, build_file  # noqa: E402

from forces.models import Force  # noqa: E402
from returns import exporting  # noqa: E402
from returns.importing.service import import_long  # noqa: E402
from returns.models import Campaign, Figure, FOIRequest  # noqa: E402
from returns.verification import verify_figures  # noqa: E402


def timed(label, count, action):
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"{label:<48} {count:>8,} figures {seconds:7.2f} s {count / seconds:10,.0f} /s")
    return result


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: scripts/bench bench/verify_export_bench.py")
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = os.path.join(os.environ.get("VAR_DIR", "/tmp"), "media")
    importer = User.objects.create(username="importer", is_staff=True)
    verifier = User.objects.create(username="verifier", is_staff=True)
    campaign = Campaign.objects.create(
        title="Bench", slug="bench", measure="online_child_sexual_offences", periods=PERIODS
    )
    for force in Force.objects.filter(active=True).order_by("name")[:FORCES]:
        FOIRequest.objects.create(campaign=campaign, force=force)
    outcome = import_long(campaign, build_file(campaign, rows), "bench.csv", importer)
    assert outcome.ok, outcome.problems[:5]

    def verify_as(user):
        figures = Figure.objects.filter(request__campaign=campaign, verified_at__isnull=True)
        return verify_figures(user, figures.select_related("request"))

    verified, refused = timed(
        "verify as the importer (all refused)", rows, lambda: verify_as(importer)
    )
    assert (len(verified), len(refused)) == (0, rows)
    verified, refused = timed(
        "verify as another user (all verified)", rows, lambda: verify_as(verifier)
    )
    assert (len(verified), len(refused)) == (rows, 0)
    for format in exporting.FORMATS:
        content = timed(
            f"export_dataset --format {format}",
            rows,
            lambda f=format: exporting.render(campaign, f),
        )
        print(f"{'':<48} {len(content):>8,} bytes")


if __name__ == "__main__":
    main()
