"""A job's progress is seen by its page while the work's own transaction is still open."""

import threading

import pytest
from django.db import connections, transaction

from jobs.models import Job
from jobs.running import Progress
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


def seen_by_another_connection(job):
    """What a web request (another thread, another connection) reads of the job now."""
    seen = {}

    def read():
        try:
            seen["done"] = Job.objects.get(pk=job.pk).done
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return seen["done"]


def test_it_writes_progress_that_a_page_sees_during_the_work_s_transaction():
    job = Job.objects.create(kind="import_confirm", title="Importing big.csv", state="running")

    with transaction.atomic():
        CampaignFactory()  # the work has written, uncommitted
        progress = Progress(job)
        progress(40_000, 100_000)

        assert seen_by_another_connection(job) == 40_000
        progress(60_000, 100_000)  # within half a second of the last: not written yet
        assert seen_by_another_connection(job) == 40_000
        progress.write()
        assert seen_by_another_connection(job) == 60_000
