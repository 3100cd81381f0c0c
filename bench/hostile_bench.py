"""Hostile returns files: time to refusal, peak memory: `scripts/bench bench/hostile_bench.py`.

Builds each file of issue #10 point 4 (and a Shift-JIS CSV), then imports it with
`manage.py import_returns SLUG FILE --dry-run` in a child process of its own, so that peaks do
not mix: the child times the command, the parent reads the child's peak resident memory
(ru_maxrss from wait4). Printed per file: its size, seconds to refusal, peak memory (and the
child's memory before the import: Django and the app), and the message. A legitimate
100,000-figure CSV goes through the same way for comparison: it must not be refused.
Target: every hostile file refused within a few seconds and under 300 MB.

--scale multiplies every file's size (rows or bytes) by a factor, 1 by default; a small one
(tests/test_benches.py runs 0.001) only shows that the bench runs to its end.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SLUG = "hostile-bench"
TIMEOUT = 300
MB = 1024 * 1024
# (label, file name, how to build it, extra environment for the import)
CASES = [
    ("XLSX of 3 million empty rows", "empty.xlsx", "empty_rows", {}),
    ("XLSX zip bomb (shared strings, 400 MB)", "bomb.xlsx", "bomb", {}),
    ("XLSX whose sheet inflates to 1.5 GB", "inflating.xlsx", "inflating", {}),
    ("CSV of 2.5 million bad rows (60 MB)", "bad60.csv", "bad_60mb", {}),
    (
        "  the same, MAX_UPLOAD_BYTES raised to 100 MB",
        "bad60.csv",
        None,
        {"MAX_UPLOAD_BYTES": str(100 * MB)},
    ),
    ("Oversize upload: 21 MB CSV of good rows", "big.csv", "oversize", {}),
    ("CSV of 300,000 bad rows (under the size limit)", "bad300k.csv", "bad_300k", {}),
    ("CSV of 150,000 bad rows (under the row limit)", "bad150k.csv", "bad_150k", {}),
    ("Shift-JIS CSV of Japanese force names", "shift_jis.csv", "shift_jis", {}),
    ("Legitimate: 100,000-figure CSV (dry run)", "legit.csv", "legit", {}),
]


def main():
    """The parent: small on purpose. On Linux a child's ru_maxrss starts at its parent's
    resident size when it was forked, so a parent holding Django would inflate every peak."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="of every file's size")
    scale = parser.parse_args().scale
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, __file__, "--prepare", folder, str(scale)], check=True)
        if scale != 1:
            print(f"Every file's size multiplied by {scale} (the labels give the full sizes)")
        print(f"{'file':<48} {'size':>9} {'seconds':>8} {'peak MB':>8} {'(start)':>8}")
        for label, name, _, env in CASES:
            path = os.path.join(folder, name)
            report, peak = run_child(path, env)
            print(
                f"{label:<48} {os.path.getsize(path) / MB:>6.1f} MB {report['seconds']:>8.2f} "
                f"{peak:>8.0f} {report.get('before_mb', 0):>8.0f}"
            )
            for line in report["message"]:
                print(f"    {line[:300]}")


def run_child(path, extra_env):
    """Import `path` in a child; (its JSON report, its peak resident MB from wait4)."""
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(
            [sys.executable, __file__, "--child", path], env={**os.environ, **extra_env}, stdout=out
        )
        deadline = time.monotonic() + TIMEOUT
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                _, status, usage = os.wait4(child.pid, 0)
                child.returncode = -9
                return {"seconds": TIMEOUT, "message": [f"NOT REFUSED in {TIMEOUT} s"]}, 0
            time.sleep(0.02)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return json.loads(out.read().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def prepare(folder, scale):
    """Migrate, make the campaign, build the files (in a child of its own)."""
    setup()

    def scaled(size):
        return max(1, round(size * scale))

    from django.core.management import call_command

    from bench.import_bench import FORCES, PERIODS, build_file
    from forces.models import Force
    from returns.models import Campaign, FOIRequest
    from tests.returns.files import hostile

    call_command("migrate", verbosity=0)
    Campaign.objects.filter(slug=SLUG).delete()
    campaign = Campaign.objects.create(
        title="Hostile files", slug=SLUG, measure="online_child_sexual_offences", periods=PERIODS
    )
    for force in Force.objects.filter(active=True).order_by("name")[:FORCES]:
        FOIRequest.objects.create(campaign=campaign, force=force)

    def write(path, data):
        with open(path, "wb") as out:
            out.write(data)

    builders = {
        "empty_rows": lambda path: hostile.empty_rows_xlsx(path, scaled(3_000_000)),
        "bomb": lambda path: hostile.shared_strings_bomb_xlsx(path, scaled(400 * MB)),
        "inflating": lambda path: hostile.inflating_sheet_xlsx(path, scaled(1536 * MB)),
        "bad_60mb": lambda path: hostile.bad_rows_csv(path, scaled(2_500_000)),
        "oversize": lambda path: hostile.oversize_csv(path, scaled(21 * MB)),
        "bad_300k": lambda path: hostile.bad_rows_csv(path, scaled(300_000)),
        "bad_150k": lambda path: hostile.bad_rows_csv(path, scaled(150_000)),
        "shift_jis": lambda path: write(path, hostile.shift_jis_csv()),
        "legit": lambda path: write(path, build_file(campaign, scaled(100_000))),
    }
    for _, name, builder, _ in CASES:
        if builder:
            builders[builder](os.path.join(folder, name))


def child(path):
    """Time the command on `path`; print seconds, memory before, and the message as JSON."""
    setup()
    import resource
    from io import StringIO

    from django.core.management import CommandError, call_command

    err = StringIO()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    try:
        call_command("import_returns", SLUG, path, "--dry-run", stdout=StringIO(), stderr=err)
        message = ["accepted (dry run)"]
    except CommandError as error:
        lines = err.getvalue().splitlines()
        message = [*lines[:2], *(["..."] if len(lines) > 3 else []), *lines[2:][-1:], str(error)]
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "before_mb": before, "message": message}))


def setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: scripts/bench bench/hostile_bench.py")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(sys.argv[2], float(sys.argv[3]))
    elif sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main()
