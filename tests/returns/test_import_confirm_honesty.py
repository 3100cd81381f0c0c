"""A confirmed import says exactly what it saved, or why it saved nothing.

Before: two confirms of one preview both ran (or one crashed on the file the other removed); a
confirm whose rows had become invalid since the preview, or that hit a deadlock, was rolled
back while the admin said "Import finished".
"""

import threading
import time
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returns.importing.service import import_long
from returns.models import Campaign, Figure, ImportBatch
from tests.returns.files.helpers import HERE, cells, csv_bytes, make_campaign

IMPORT_URL = reverse("admin:returns_figure_import")
CONFIRM_URL = reverse("admin:returns_figure_process_import")
CLEAN = (HERE / "clean_long.csv").read_bytes()
CORRECTED = csv_bytes("Northumbria,2016/17,,,,324,", "Durham Constabulary,2016/17,,,,191,")
BUSY = "another change was being saved at the same time; nothing was saved; try again"
threaded = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def preview(client, campaign, data, name="returns.csv"):
    response = client.post(
        IMPORT_URL, {"campaign": campaign.pk, "import_file": SimpleUploadedFile(name, data)}
    )
    form = response.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def in_threads(*jobs):
    """Run the jobs at once, each on its own database connection; return their results."""
    start = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def run(index, job):
        try:
            start.wait()
            results[index] = job()
        except Exception as error:  # surfaced below: a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def page_after(client, url, data):
    return client.post(url, data, follow=True).content.decode()


# --- One claim per preview.
@threaded
def test_it_saves_once_when_two_staff_confirm_the_same_preview_at_once(
    caseworker, second_caseworker
):
    campaign = make_campaign()
    form = preview(logged_in(caseworker), campaign, CLEAN)
    clients = [logged_in(caseworker), logged_in(second_caseworker)]

    pages = in_threads(*(lambda c=c: page_after(c, CONFIRM_URL, form) for c in clients))

    assert sum("Import finished: 9 created" in page for page in pages) == 1
    assert (
        sum("This import was already confirmed (or is being confirmed)" in page for page in pages)
        == 1
    )
    assert ImportBatch.objects.count() == 1
    assert Figure.objects.filter(request__campaign=campaign).count() == 9


@threaded
def test_it_saves_once_when_the_same_table_is_confirmed_twice_at_once(caseworker):
    campaign = make_campaign()
    request = campaign.requests.get(force__name="Northumbria Police")
    url = reverse("admin:returns_figure_import_table", args=[request.pk])
    table = b",2015/16,2016/17\nRape,10,12\nTotal,10,12\n"
    shown = logged_in(caseworker).post(
        url, {"table": SimpleUploadedFile("t.csv", table), "breakdown": "offence_type"}
    )
    form = shown.context["confirm_form"]
    data = {**{name: form[name].value() for name in form.fields}, "confirm": "1"}
    clients = [logged_in(caseworker), logged_in(caseworker)]

    pages = in_threads(*(lambda c=c: page_after(c, url, data) for c in clients))

    assert sum("Imported Northumbria Police&#x27;s table: 4 created" in p for p in pages) == 1
    assert sum("This import was already confirmed (or is being confirmed)" in p for p in pages) == 1
    assert ImportBatch.objects.count() == 1
    assert Figure.objects.filter(request=request).count() == 4


@threaded
def test_it_reports_each_of_two_previews_of_one_file_confirmed_at_once_as_saved(
    caseworker, second_caseworker
):
    campaign = make_campaign()
    clients = [logged_in(caseworker), logged_in(second_caseworker)]
    forms = [preview(client, campaign, CLEAN) for client in clients]

    with CampaignRowHeld(campaign) as held:
        # Both imports get as far as the row: one waiting for it, the other for the figures
        # the first created. Then the first commits; the second clashes and tries again.
        def release_when_both_wait():
            wait_until_backends_wait(2)
            held.release.set()

        pages = in_threads(
            *(
                lambda c=c, f=f: page_after(c, CONFIRM_URL, f)
                for c, f in zip(clients, forms, strict=True)
            ),
            release_when_both_wait,
        )

    messages = sorted(page[page.index("Import finished") :][:50] for page in pages[:2])
    assert messages == [
        "Import finished: 0 created, 0 updated, 9 unchanged",
        "Import finished: 9 created, 0 updated, 0 unchanged",
    ]
    assert ImportBatch.objects.count() == 1
    assert Figure.objects.filter(request__campaign=campaign).count() == 9


# --- Errors found at confirm time that the preview did not have.
@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, problem",
    [
        (
            lambda campaign: Campaign.objects.filter(pk=campaign.pk).update(periods=["2015/16"]),
            "Row 3, column period: 2016/17 was not asked in this campaign (asked: 2015/16).",
        ),
        (
            lambda campaign: campaign.requests.filter(force__name="West Mercia Police").delete(),
            "Row 9, column force: West Mercia Police was not asked in this campaign.",
        ),
    ],
    ids=["period-dropped", "force-dropped"],
)
def test_it_reports_rows_that_became_invalid_after_the_preview(client, caseworker, change, problem):
    campaign = make_campaign()
    client.force_login(caseworker)
    form = preview(client, campaign, CLEAN)
    change(campaign)

    page = page_after(client, CONFIRM_URL, form)

    assert "Import finished" not in page
    assert "Nothing was saved" in page
    assert problem.replace("'", "&#x27;") in page
    assert not Figure.objects.exists() and not ImportBatch.objects.exists()


# --- A deadlock with a verification saving at the same time.
def backends_waiting_for_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def wait_until_backends_wait(count):
    deadline = time.monotonic() + 20
    while backends_waiting_for_a_lock() < count and time.monotonic() < deadline:
        time.sleep(0.02)


def verification_taking_rows_in_the_other_order(campaign, figure, verifier, started, finished):
    """Marks the campaign changed first, then - once the import waits for that row - verifies a
    figure the import has just updated: each waits for the other, PostgreSQL breaks the cycle."""
    try:
        with transaction.atomic():
            Campaign.objects.filter(pk=campaign.pk).update(data_version=F("data_version") + 1)
            started.set()
            wait_until_backends_wait(1)
            Figure.objects.filter(pk=figure.pk).update(
                verified_by=verifier, verified_at=timezone.now()
            )
        finished.append(True)
    finally:
        connection.close()


@threaded
def test_it_retries_a_confirm_that_deadlocked_with_a_verification_then_saves(
    caseworker, verifier, caplog
):
    campaign = make_campaign()
    import_long(campaign, CLEAN, "first.csv", caseworker)
    total = Figure.objects.get(
        request__force__name="Northumbria Police", period="2016/17", breakdown=""
    )
    client = logged_in(caseworker)
    form = preview(client, campaign, CORRECTED)
    started, finished = threading.Event(), []
    other = threading.Thread(
        target=verification_taking_rows_in_the_other_order,
        args=(campaign, total, verifier, started, finished),
    )
    other.start()
    assert started.wait(timeout=10)

    page = page_after(client, CONFIRM_URL, form)
    other.join()

    assert finished == [True]
    assert "deadlock" in caplog.text.lower() and "trying again" in caplog.text
    assert "Import finished: 0 created, 2 updated, 0 unchanged" in page
    total.refresh_from_db()
    assert (total.value, total.verified_at) == (324, None)  # changed after it was verified
    assert ImportBatch.objects.filter(original_name="returns.csv").count() == 1


class CampaignRowHeld:
    """Another transaction holding the campaign's row, as a verification marking it changed
    does, until released (at the latest when the block ends)."""

    def __init__(self, campaign):
        self.campaign = campaign
        self.locked, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.hold)

    def hold(self):
        try:
            with transaction.atomic():
                Campaign.objects.filter(pk=self.campaign.pk).update(data_version=F("data_version"))
                self.locked.set()
                self.release.wait(timeout=30)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(timeout=10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join()


@contextmanager
def lock_timeout(milliseconds):
    """This thread's connection gives up waiting for a lock after `milliseconds`."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


@threaded
def test_it_reports_a_confirm_that_stays_blocked_and_saves_nothing(caseworker):
    campaign = make_campaign()
    import_long(campaign, CLEAN, "first.csv", caseworker)
    before = cells(campaign)
    client = logged_in(caseworker)
    form = preview(client, campaign, CORRECTED)

    with CampaignRowHeld(campaign), lock_timeout(100):
        page = page_after(client, CONFIRM_URL, form)

    assert "Import finished" not in page
    assert BUSY in page.lower()
    assert cells(campaign) == before
    assert ImportBatch.objects.count() == 1


# --- The command line: a non-zero exit with the reason whenever nothing was saved.
@threaded
def test_it_exits_non_zero_when_the_command_line_import_stays_blocked(caseworker, tmp_path):
    campaign = make_campaign()
    import_long(campaign, CLEAN, "first.csv", caseworker)
    before = cells(campaign)
    path = tmp_path / "corrected.csv"
    path.write_bytes(CORRECTED)
    err = StringIO()

    with (
        CampaignRowHeld(campaign),
        lock_timeout(100),
        pytest.raises(CommandError, match="nothing was imported"),
    ):
        call_command("import_returns", campaign.slug, str(path), stdout=StringIO(), stderr=err)

    assert BUSY in err.getvalue().lower()
    assert cells(campaign) == before
