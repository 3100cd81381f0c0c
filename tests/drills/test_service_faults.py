"""Drills on the real services of scripts/test: what happens when the broker or a worker dies.

Each drill breaks a real part (a redis-server is stopped, a worker process is killed with
SIGKILL) and checks that the figures stay committed, the statistics say they are out of date,
and the repair sweep brings them back once the part returns.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from returns import snapshots, tasks
from returns.importing.service import import_long
from returns.models import Figure, StatsSnapshot
from tests.factories import CampaignFactory, FOIRequestFactory, force

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PROJECT = Path(__file__).resolve().parents[2]


def returns_file(campaign):
    lines = ["force,period,measure,breakdown,category,value,note"]
    for request in campaign.requests.select_related("force"):
        lines.append(f"{request.force.name},2016/17,{campaign.measure},,,323,")
    return "\n".join(lines).encode()


@pytest.fixture
def campaign():
    campaign = CampaignFactory(periods=["2016/17"])
    for name in ["Northumbria Police", "West Mercia Police", "Durham Constabulary"]:
        FOIRequestFactory(campaign=campaign, force=force(name))
    return campaign


@pytest.fixture
def own_redis():
    """A redis-server of this drill's own, on a socket, that the drill may stop and restart."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed: run the drills through scripts/test.")
    folder = Path(tempfile.mkdtemp(prefix="drill-redis-"))
    socket = folder / "redis.sock"

    def start():
        subprocess.run(
            ["redis-server", "--port", "0", "--unixsocket", str(socket), "--save", "",
             "--appendonly", "no", "--daemonize", "yes", "--pidfile", str(folder / "pid")],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(50):
            if socket.exists() and (folder / "pid").exists():
                return
            time.sleep(0.1)
        pytest.fail("redis-server did not start")

    def stop():
        pid = int((folder / "pid").read_text())
        os.kill(pid, signal.SIGKILL)
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        socket.unlink(missing_ok=True)

    start()
    yield {"url": f"redis+socket://{socket}", "start": start, "stop": stop}
    try:
        stop()
    except (FileNotFoundError, ProcessLookupError):
        pass
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def app_on(settings):
    """Point the project's Celery app at another broker for the length of a test."""
    from config.celery import app

    original = app.conf.broker_url

    def switch(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    yield app, switch
    switch(original)


def test_an_import_while_the_broker_is_down_is_kept_and_repaired_when_it_returns(
    campaign, caseworker, own_redis, app_on
):
    from celery.contrib.testing.worker import start_worker

    app, switch = app_on
    switch(own_redis["url"])
    own_redis["stop"]()  # the broker goes down

    outcome = import_long(campaign, returns_file(campaign), "returns.csv", user=caseworker)

    assert outcome.ok, outcome.problems
    assert Figure.objects.filter(request__campaign=campaign).count() == 3
    snapshot = StatsSnapshot.objects.filter(campaign=campaign).first()
    assert snapshot is None or snapshot.is_stale

    own_redis["start"]()  # the broker returns; beat's sweep runs on a real worker
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        assert tasks.repair_stale_statistics.delay().get(timeout=30) == 1

    snapshot = StatsSnapshot.objects.get(campaign=campaign)
    assert not snapshot.is_stale
    assert snapshot.figure_count == 0  # counted, none verified yet: nothing published


def worker_env():
    """The environment of a worker process that uses this test's database and broker."""
    database = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{database['USER']}@{database['HOST'].replace('/', '%2F')}/{database['NAME']}"
    )
    return env


def wait_for(predicate, timeout=30, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}.")


def recompute_waiting_on_a_lock():
    with connection.cursor() as cursor:
        # Activity is read once per transaction unless the snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query ILIKE '%returns_figure%' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def other_sessions_hold(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = %s AND l.pid <> pg_backend_pid()",
            [table],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_during_a_recompute_is_repaired_by_the_sweep(
    campaign, caseworker, verifier
):
    if connection.vendor != "postgresql":
        pytest.fail("This drill needs the PostgreSQL of scripts/test.")
    from returns.verification import verify_figures

    assert import_long(campaign, returns_file(campaign), "r.csv", user=caseworker).ok
    verify_figures(verifier, list(Figure.objects.filter(request__campaign=campaign)))
    snapshots.recompute(campaign.pk)
    Figure.objects.filter(
        request__campaign=campaign, request__force__name="Durham Constabulary"
    ).update(value=190)
    assert StatsSnapshot.objects.get(campaign=campaign).is_stale
    from config.celery import app

    app.control.purge()  # the set-up's own recomputes: only the victim may run one

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--queues", "drill-victim", "--loglevel", "WARNING", "--without-heartbeat",
         "--without-mingle", "--without-gossip", "--hostname", "drill-victim@%h"],
        cwd=PROJECT, env=worker_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # Hold the figures so the victim's recompute is stuck half-way, then kill it.
        connection.set_autocommit(False)
        connection.cursor().execute("LOCK TABLE returns_figure IN ACCESS EXCLUSIVE MODE")
        tasks.recompute_statistics.apply_async((campaign.pk,), queue="drill-victim")
        wait_for(recompute_waiting_on_a_lock, what="the recompute to block on the figures")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        connection.rollback()
        connection.set_autocommit(True)
        if worker.poll() is None:
            worker.kill()
    # The dead worker's database session ends once it finds its client gone.
    wait_for(lambda: not other_sessions_hold("returns_statssnapshot"), what="the session to end")

    snapshot = StatsSnapshot.objects.get(campaign=campaign)
    assert snapshot.is_stale  # the killed run stored nothing
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        assert tasks.repair_stale_statistics.delay().get(timeout=30) == 1  # the beat's sweep

    snapshot = StatsSnapshot.objects.get(campaign=campaign)
    assert not snapshot.is_stale
    assert snapshot.payload["periods"][0]["total"] == 323 + 323 + 190
