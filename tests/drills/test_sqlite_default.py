"""The zero-setup SQLite database takes concurrent writers without "database is locked".

Runs on a real SQLite file in subprocesses, apart from the suite's PostgreSQL.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# 10 threads x 5 transactions that each read, then write: the pattern that fails with SQLite's
# deferred transactions, which cannot upgrade a read lock to a write lock.
CONCURRENT_WRITES = """
import json, threading
import django
django.setup()
from django.contrib.auth.models import Group
from django.db import connection, transaction

errors = []

def worker(thread):
    try:
        for n in range(5):
            try:
                with transaction.atomic():
                    Group.objects.count()
                    Group.objects.create(name=f"writer {thread}-{n}")
            except Exception as error:
                errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=worker, args=(t,)) for t in range(10)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({
    "errors": errors,
    "written": Group.objects.filter(name__startswith="writer ").count(),
    "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
}))
"""


def run(args, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'foi.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_it_takes_fifty_concurrent_read_then_write_transactions(tmp_path):
    run(["manage.py", "migrate", "--noinput", "-v0"], tmp_path)
    outcome = json.loads(run(["-c", CONCURRENT_WRITES], tmp_path).strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["written"] == 50
    assert outcome["journal_mode"] == "wal"


FIGURE_CHANGES = """
import json
import django
django.setup()
from django.db import connection
from forces.models import Force
from returns.models import Campaign, Figure, FigureChange, FOIRequest

campaign = Campaign.objects.create(title="t", slug="t", measure="m", periods=["2016/17"],
                                   request_wording="{force}")
request = FOIRequest.objects.create(campaign=campaign, force=Force.objects.first())
Figure.objects.create(request=request, period="2016/17", measure="m", value=1)
Figure.objects.create(request=request, period="2016/17", measure="m", breakdown="victim_age",
                      category="13", value=1)
after_create = FigureChange.of_campaign(campaign.pk).count()
FigureChange.objects.all().delete()
with connection.cursor() as cursor:
    cursor.execute("UPDATE returns_figure SET value = 2")
print(json.dumps({"after_create": after_create,
                  "after_raw_update": FigureChange.of_campaign(campaign.pk).count()}))
"""


def test_it_records_figure_changes_after_migrations_rebuilt_the_tables(tmp_path):
    """SQLite rebuilds a table to alter it and drops its triggers: migrate puts them back."""
    run(["manage.py", "migrate", "--noinput", "-v0"], tmp_path)
    run(["manage.py", "migrate", "--noinput", "-v0"], tmp_path)  # a second migrate, as on upgrade
    outcome = json.loads(run(["-c", FIGURE_CHANGES], tmp_path).strip().splitlines()[-1])
    # One waiting row per request, however many of its figures changed.
    assert outcome == {"after_create": 1, "after_raw_update": 1}
