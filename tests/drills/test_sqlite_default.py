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
