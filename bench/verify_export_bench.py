"""Verification and export against their floor, in one run: `scripts/bench
bench/verify_export_bench.py [N] [--memory-rows M]`.

Imports N figures (default 100,000: 40 forces x 10 years x 250 cells) through the real import
service as one user. Then, for each step, our time, the floor's time (what PostgreSQL and the
file library alone take for the same rows, measured here in the same run) and the ratio:

- verify: verify_returns' service as another user (all verified: the four-eyes rule, one bulk
  write with history). Floor: one `UPDATE ... RETURNING` of the same rows plus the history
  `INSERT ... SELECT` of them, in raw SQL (the rows are reset between runs). Target 3x.
  (Verifying as the importer, all refused, is printed too.)
- export CSV and JSON: export_dataset writing its file. Floor: `COPY (SELECT the same joined
  columns, same order) TO STDOUT` into a file. Target 3x.
- export XLSX: export_dataset writing its file. Floor: the CSV floor plus writing the same rows
  with xlsxwriter alone (constant_memory). Target 2x.

Each time is the best of --repeat runs (default 2). Last, the memory of a big export: M figures
(default 1,000,000) of another campaign, inserted verified by SQL, exported by export_dataset in
a child process per format, which prints its peak resident memory (VmHWM). Target: under 300 MB.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from import_bench import FORCES, PERIODS, build_file  # noqa: E402

from forces.models import Force  # noqa: E402
from returns import exporting  # noqa: E402
from returns.importing.service import import_long  # noqa: E402
from returns.models import Campaign, Figure, FOIRequest  # noqa: E402
from returns.verification import verify_figures  # noqa: E402

TARGETS = {"verify": 3, "csv": 3, "json": 3, "xlsx": 2}

# The dataset's joined columns, in the dataset's order, for COPY (the floor of an export).
DATASET_SQL = """
SELECT force.name, force.ons_code, force.nation, figure.period, figure.measure,
       figure.breakdown, figure.category,
       CASE WHEN figure.status = 'suppressed' THEN figure.raw_value ELSE figure.value::text END,
       figure.status, figure.note, request.reference, request.responded_on,
       COALESCE(NULLIF(batch.original_name, ''), batch.file), verifier.username,
       figure.verified_at
FROM returns_figure figure
JOIN returns_foirequest request ON request.id = figure.request_id
JOIN forces_force force ON force.id = request.force_id
LEFT JOIN returns_importbatch batch ON batch.id = figure.import_batch_id
LEFT JOIN auth_user verifier ON verifier.id = figure.verified_by_id
WHERE request.campaign_id = {campaign} AND figure.verified_at IS NOT NULL
ORDER BY force.name, figure.period, figure.measure, figure.breakdown, figure.category
"""


def best_of(repeat, action, before=None):
    """The shortest of `repeat` runs of `action` (each after `before`, untimed), and its result."""
    best, result = None, None
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return best, result


def report(label, count, ours, floor, target):
    ratio = ours / floor
    verdict = "ok" if ratio <= target else "OVER"
    print(
        f"{label:<14} {count:>9,} figures  ours {ours:7.2f} s  floor {floor:6.2f} s  "
        f"ratio {ratio:5.2f}x  (target {target}x: {verdict})"
    )


def campaign_figures(campaign):
    return Figure.objects.filter(request__campaign=campaign)


def unverify(campaign):
    """Back to as imported: no verification stamps, no verification history."""
    with transaction.atomic():
        figures = campaign_figures(campaign)
        Figure.history.filter(
            id__in=figures.values("pk"), history_change_reason="Verified"
        ).delete()
        figures.update(verified_by=None, verified_at=None)


def verify_floor(campaign, user):
    """One UPDATE ... RETURNING of the campaign's unverified figures, then their history rows by
    one INSERT ... SELECT, in raw SQL, in one transaction."""
    now = timezone.now()
    copied = [
        field.column
        for field in Figure.history.model._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE returns_figure SET verified_by_id = %s, verified_at = %s "
            "WHERE verified_at IS NULL AND request_id IN "
            "(SELECT id FROM returns_foirequest WHERE campaign_id = %s) RETURNING id",
            [user.pk, now, campaign.pk],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"INSERT INTO returns_historicalfigure ({', '.join(copied)}, history_date, "
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {', '.join(copied)}, %s, 'Verified', '~', %s FROM returns_figure "
            "WHERE id = ANY(%s)",
            [now, user.pk, ids],
        )
    return len(ids)


def copy_floor(campaign, path):
    """COPY the dataset's joined columns TO STDOUT, into `path`."""
    query = DATASET_SQL.format(campaign=int(campaign.pk))
    with connection.cursor() as cursor, open(path, "wb") as output:
        with cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for block in copy:
                output.write(block)


def typed_rows(path):
    """The COPY's rows as the dataset holds them: counts as numbers, times as datetimes."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = []
        for row in reader:
            row[7] = int(row[7]) if row[7].isdigit() else row[7]
            row[14] = timezone.datetime.fromisoformat(row[14]).replace(tzinfo=None)
            rows.append(row)
    return header, rows


def xlsxwriter_alone(header, rows, path):
    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet("Figures")
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})
    sheet.write_row(0, 0, header)
    for number, row in enumerate(rows, 1):
        sheet.write_row(number, 0, row[:14])
        sheet.write_datetime(number, 14, row[14], stamp)
    workbook.close()


def export(campaign, format, path):
    call_command(
        "export_dataset",
        campaign.slug,
        "--format",
        format,
        "-o",
        path,
        stdout=open(os.devnull, "w"),
    )


def verify_and_export(campaign, importer, verifier, rows, repeat, work):
    def verify_as(user):
        figures = campaign_figures(campaign).filter(verified_at__isnull=True)
        return verify_figures(user, figures.select_related("request"))

    seconds, (verified, refused) = best_of(1, lambda: verify_as(importer))
    assert (len(verified), len(refused)) == (0, rows)
    print(f"{'verify (own)':<14} {rows:>9,} figures  ours {seconds:7.2f} s  (all refused)")
    floor, count = best_of(
        repeat, lambda: verify_floor(campaign, verifier), lambda: unverify(campaign)
    )
    assert count == rows
    ours, (verified, refused) = best_of(
        repeat, lambda: verify_as(verifier), lambda: unverify(campaign)
    )
    assert (len(verified), len(refused)) == (rows, 0)
    report("verify", rows, ours, floor, TARGETS["verify"])

    copied = os.path.join(work, "floor.csv")
    copy_seconds, _ = best_of(repeat, lambda: copy_floor(campaign, copied))
    header, typed = typed_rows(copied)
    assert len(typed) == rows
    xlsx_seconds, _ = best_of(
        repeat, lambda: xlsxwriter_alone(header, typed, os.path.join(work, "floor.xlsx"))
    )
    floors = {"csv": copy_seconds, "json": copy_seconds, "xlsx": copy_seconds + xlsx_seconds}
    for format in exporting.FORMATS:
        path = os.path.join(work, f"ours.{format}")
        ours, _ = best_of(repeat, lambda f=format, p=path: export(campaign, f, p))
        report(f"export {format}", rows, ours, floors[format], TARGETS[format])
        print(f"{'':<14} {os.path.getsize(path):>9,} bytes (floor: {os.path.getsize(copied):,})")


CHILD = """
import io, os, sys
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.management import call_command
import returns.exporting, xlsxwriter

def peak():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) // 1024

before = peak()
options = ["--format", {format!r}, "-o", {path!r}]
call_command("export_dataset", {slug!r}, *options, stdout=io.StringIO())
print(before, peak())
"""


def seed_verified(campaign, verifier, count):
    """`count` verified figures for the campaign's requests, by SQL (the import has its own
    bench): each with its own verification time, the worst case for the export."""
    requests = FOIRequest.objects.filter(campaign=campaign).count()
    per_cell = -(-count // (requests * len(PERIODS)))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO returns_figure (request_id, period, measure, breakdown, category, status, "
            "value, raw_value, note, caveat, caveat_text, entered_at, updated_at, verified_by_id, "
            "verified_at) "
            "SELECT request.id, period, %s, 'offence_type', 'Offence type ' || n, 'reported', "
            "n %% 50, '', 'a note', false, '', now(), now(), %s, now() - n * interval '1 second' "
            "FROM returns_foirequest request, unnest(%s::text[]) period, "
            "generate_series(1, %s) n WHERE request.campaign_id = %s "
            "ORDER BY request.id, period, n LIMIT %s",
            [campaign.measure, verifier.pk, PERIODS, per_cell, campaign.pk, count],
        )


def memory(campaign, count, work):
    print(f"Peak resident memory of export_dataset in a child process, {count:,} figures:")
    for format in exporting.FORMATS:
        path = os.path.join(work, f"memory.{format}")
        code = CHILD.format(root=ROOT, slug=campaign.slug, format=format, path=path)
        start = time.perf_counter()
        output = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
        seconds = time.perf_counter() - start
        before, peak = map(int, output.split())
        verdict = "ok" if peak < 300 else "OVER"
        print(
            f"  {format:<5} peak {peak:4} MB (after start-up {before} MB)  {seconds:6.1f} s  "
            f"{os.path.getsize(path):>12,} bytes  (target under 300 MB: {verdict})"
        )
        os.remove(path)


def new_campaign(slug):
    campaign = Campaign.objects.create(
        title=slug.title(), slug=slug, measure="online_child_sexual_offences", periods=PERIODS
    )
    for force in Force.objects.filter(active=True).order_by("name")[:FORCES]:
        FOIRequest.objects.create(campaign=campaign, force=force)
    return campaign


def main():
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: scripts/bench bench/verify_export_bench.py")
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--memory-rows", type=int, default=1_000_000, help="0: skip")
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = os.path.join(os.environ.get("VAR_DIR", "/tmp"), "media")
    importer = User.objects.create(username="importer", is_staff=True)
    verifier = User.objects.create(username="verifier", is_staff=True)
    campaign = new_campaign("bench")
    outcome = import_long(campaign, build_file(campaign, options.rows), "bench.csv", importer)
    assert outcome.ok, outcome.problems[:5]
    print(f"PostgreSQL {connection.pg_version}; best of {options.repeat} runs")
    with tempfile.TemporaryDirectory() as work:
        verify_and_export(campaign, importer, verifier, options.rows, options.repeat, work)
        if options.memory_rows:
            big = new_campaign("bench-memory")
            seed_verified(big, verifier, options.memory_rows)
            connection.close()  # the children read what is committed
            memory(big, options.memory_rows, work)


if __name__ == "__main__":
    main()
