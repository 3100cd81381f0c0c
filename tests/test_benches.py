"""Smoke runs of the benches under bench/: each runs to its end at a tiny size.

The speed targets of issue 15 are read from these scripts and nothing else runs them, so a
bench that breaks (a raw INSERT missing a new NOT NULL column) would go unnoticed until the next
measurement. Each runs here as scripts/bench runs it: a subprocess with the same environment,
against a database of its own on the suite's PostgreSQL server. Only that it finishes and prints
its figures is checked; at these sizes the timings mean nothing, so no target is asserted.
"""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from bench.hostile_bench import CASES as HOSTILE_FILES

pytestmark = pytest.mark.bench
PROJECT = Path(__file__).resolve().parents[1]
TIMEOUT = 180
NUMBER = r"\d[\d,]*(\.\d+)?"


def database_url(name):
    """The suite's DATABASE_URL, naming database `name` on the same server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail("The benches need PostgreSQL: run them through scripts/test.")
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def server():
    return psycopg.connect(database_url("postgres"), autocommit=True)


def bench_environment(url, var_dir):
    """scripts/bench's environment (SECRET_KEY, DEBUG off, VAR_DIR, the filesystem broker)."""
    environment = {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(var_dir)}
    environment.update(SECRET_KEY="bench-only-not-secret", DEBUG="0", SECURE_SSL_REDIRECT="0")
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):  # scripts/bench starts no redis
        environment.pop(name, None)
    return environment


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A migrated database each bench's own is copied from: one migrate instead of six."""
    name = f"bench_smoke_template_{uuid.uuid4().hex[:12]}"
    with server() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        environment = bench_environment(database_url(name), tmp_path_factory.mktemp("var"))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=PROJECT, env=environment, check=True, timeout=TIMEOUT,
        )  # fmt: skip
        yield name
    finally:
        with server() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def run_bench(migrated_template, tmp_path):
    """Runs bench/<script> with arguments against a fresh database; its CompletedProcess."""
    name = f"bench_smoke_{uuid.uuid4().hex[:12]}"
    with server() as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(migrated_template)
            )
        )

    def run(script, *arguments, **extra_environment):
        environment = bench_environment(database_url(name), tmp_path / "var")
        result = subprocess.run(
            [sys.executable, f"bench/{script}", *arguments],
            cwd=PROJECT, env={**environment, **extra_environment}, capture_output=True,
            text=True, timeout=TIMEOUT,
        )  # fmt: skip
        print(result.stdout, result.stderr, sep="\n")  # shown by pytest when a test fails
        return result

    yield run
    with server() as connection:
        connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def assert_lines(output, *patterns):
    for pattern in patterns:
        assert re.search(pattern, output, re.MULTILINE), f"no line matches {pattern!r}"


def test_it_runs_the_verify_and_export_bench(run_bench):
    result = run_bench("verify_export_bench.py", "1000", "--memory-rows", "1000", "--repeat", "1")

    assert result.returncode == 0
    assert_lines(
        result.stdout,
        rf"^verify \(own\) +1,000 figures  ours +{NUMBER} s  \(all refused\)$",
        *(
            rf"^{step} +1,000 figures  ours +{NUMBER} s  floor +{NUMBER} s  ratio +{NUMBER}x  "
            rf"\(target {target}x: (ok|OVER)\)$"
            for step, target in [
                ("verify", 3),
                ("export csv", 3),
                ("export json", 3),
                ("export xlsx", 2),
            ]
        ),  # fmt: skip
        *(
            rf"^  {format} +peak +\d+ MB .*\(target under 300 MB: (ok|OVER)\)$"
            for format in ("csv", "json", "xlsx")
        ),
    )


def test_it_runs_the_statistics_bench(run_bench):
    result = run_bench("stats_bench.py", "--figures", "3000", "--repeat", "1")

    assert result.returncode == 0
    assert_lines(
        result.stdout,
        rf"^Hand-written SQL aggregate: +{NUMBER} ms, 1 query$",
        rf"^compute_statistics: +{NUMBER} ms, \d+ queries \({NUMBER}x\)$",
        rf"^Recompute and store snapshot: +{NUMBER} ms, \d+ queries \({NUMBER}x\)$",
    )


def test_it_runs_the_import_bench(run_bench):
    result = run_bench("import_bench.py", "1000", BENCH_DEFAULT_ROWS="200")

    assert result.returncode == 0
    assert_lines(
        result.stdout,
        rf"^\(c\)  plain bulk_create of the same rows \(no history\) +1,000 rows +{NUMBER} s",
        rf"^\(a\) takes {NUMBER}x the time of \(c\) \(target: within 3x\)$",
        rf"^\(a\) is {NUMBER}x faster than \(b\) in rows/s \(target: at least 10x\)$",
    )


def test_it_runs_the_render_bench(run_bench):
    # Every force once per campaign: 300 requests make the 4+ rounds the bench needs (3 open).
    result = run_bench("render_bench.py", "--requests", "300", "--figures", "2000", "--repeat", "1")

    # Its exit status is its verdict: 1 when a page misses its target, which a busy machine
    # can cause even at this size. Ran to its end: every page measured, the closing line.
    assert result.returncode in (0, 1)
    assert not result.stderr.strip()
    pages = ["FOI requests list", "Figures list", "Correspondence list", "Campaigns list"]
    assert_lines(
        result.stdout,
        *(
            rf"^{page} +{NUMBER}ms +{NUMBER}ms +\d+ +\d+kB  \d+ ms: (PASS|FAIL)$"
            for page in [*pages, "Overdue board", "Statistics page"]
        ),
        r"^1 renders of each after one warm-up; PASS: the median under the target",
    )
    assert result.returncode == (1 if "FAIL" in result.stdout else 0)


def test_it_runs_the_inbound_bench(run_bench):
    if not os.environ.get("TEST_IMAP_PORT"):
        pytest.fail("The inbound bench needs the dovecot that scripts/test starts (TEST_IMAP_*).")

    result = run_bench("inbound_bench.py", "--messages", "40")

    assert result.returncode == 0
    assert_lines(
        result.stdout,
        r"^messages: 40 in the mailbox, 40 taken in, \d+ filed, \d+ attachments stored, 0 failed$",
        rf"^bare imap-tools fetch \(floor\): +{NUMBER} s$",
        rf"^fetch\+match\+classify\+store: +{NUMBER} s$",
        rf"^ratio: {NUMBER}x \(target: within 3x\)$",
        rf"^of which the database's own time .*: {NUMBER} s, {NUMBER}x the floor$",
        rf"^imap-tools reading those messages .*: {NUMBER} s, {NUMBER}x the floor$",
        rf"^storing the same rows again through the ORM alone.*: {NUMBER} s, {NUMBER}x the floor$",
        rf"^fetch \+ imap-tools' reading \+ ORM storage.*: {NUMBER} s, {NUMBER}x the floor$",
    )


def test_it_runs_the_hostile_files_bench(run_bench):
    # The files a thousandth of their size, the limits too: still over them, as in the bench.
    limits = {"MAX_UPLOAD_BYTES": "20972", "IMPORT_MAX_ROWS": "200", "IMPORT_MAX_CELLS": "2000"}
    result = run_bench("hostile_bench.py", "--scale", "0.001", **limits)

    assert result.returncode == 0
    assert_lines(
        result.stdout,
        *(rf"^{re.escape(label)} +{NUMBER} MB +{NUMBER} +\d+ +\d+$" for label, *_ in HOSTILE_FILES),
        r"^Legitimate: .*\n    accepted \(dry run\)$",  # the bench's check: not refused
    )
