"""Big work runs on a real Celery worker (Redis), with a page that follows it to the end."""

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from jobs.tasks import run_job
from returns import exporting
from returns.models import Figure, ImportBatch
from returns.verification import verify_figures
from tests.factories import FigureFactory, FOIRequestFactory
from tests.returns.files.helpers import csv_bytes, make_campaign

# The progress of a job is written through a connection of its own (the `jobs` alias).
pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]
IMPORT_URL = reverse("admin:returns_figure_import")


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.JOBS_INLINE_MAX_ROWS = 5


def followed_to_the_end(client, response, timeout=60):
    """The job page a response redirected to, reloaded (as it reloads itself) until it ends."""
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url.startswith("/admin/jobs/job/")
    return reloaded_until_it_ends(client, response.url, timeout)


def reloaded_until_it_ends(client, job_url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(job_url)
        assert page.status_code == 200
        if page.context["job"].state in ("done", "failed"):
            return page
        assert '<meta http-equiv="refresh"' in page.content.decode()
        time.sleep(0.2)
    pytest.fail("The job did not end in time.")


def returns_file(rows, measure="online_child_sexual_offences"):
    forces = ["Northumbria Police", "Durham Constabulary", "West Mercia Police"]
    return csv_bytes(
        *(f"{forces[n % 3]},2016/17,{measure},victim_age,{n // 3},{n + 1}," for n in range(rows))
    )


def test_it_previews_a_big_import_in_the_background_and_saves_it_only_on_confirm(
    client, caseworker, live_worker
):
    campaign = make_campaign()
    client.force_login(caseworker)

    uploaded = client.post(
        IMPORT_URL,
        {"campaign": campaign.pk, "import_file": SimpleUploadedFile("big.csv", returns_file(18))},
    )
    preview = followed_to_the_end(client, uploaded)

    page = preview.content.decode()
    assert preview.context["job"].state == "done", preview.context["job"].result["problems"]
    assert "18 created, 0 updated, 0 unchanged" in page
    assert "Preview: nothing is saved until you confirm" in page
    assert not Figure.objects.exists()

    form = preview.context["job"].result["confirm"]
    confirmed = client.post(form["url"], form["fields"])
    done = followed_to_the_end(client, confirmed)

    assert "Import finished: 18 created, 0 updated, 0 unchanged" in done.content.decode()
    assert Figure.objects.filter(request__campaign=campaign).count() == 18
    assert ImportBatch.objects.get().uploaded_by == caseworker
    # The same preview confirmed twice: its upload has been claimed, so it is refused at once.
    again = client.post(form["url"], form["fields"], follow=True)
    assert "already confirmed" in again.content.decode()
    assert Figure.objects.count() == 18


def test_it_lists_a_refused_big_file_s_problems_and_saves_nothing(client, caseworker, live_worker):
    campaign = make_campaign()
    client.force_login(caseworker)
    bad = returns_file(12) + b"Nowhere Constabulary,2016/17,,victim_age,3,7,\n"

    uploaded = client.post(
        IMPORT_URL, {"campaign": campaign.pk, "import_file": SimpleUploadedFile("bad.csv", bad)}
    )
    page = followed_to_the_end(client, uploaded)

    assert page.context["job"].state == "failed"
    text = page.content.decode()
    assert "The file was refused and nothing was saved" in text
    assert "Nowhere Constabulary" in text
    assert "Confirm import" not in text
    assert not Figure.objects.exists() and not ImportBatch.objects.exists()


def test_it_writes_a_big_export_in_the_background_for_its_starter_to_download(
    client, caseworker, verifier, administrator, live_worker
):
    foi_request = FOIRequestFactory()
    figures = [
        FigureFactory(request=foi_request, entered_by=caseworker, category=str(age), value=age)
        for age in range(8)
    ]
    verify_figures(verifier, figures)
    client.force_login(verifier)

    asked = client.get(
        reverse("returns:dataset_download", args=[foi_request.campaign.slug]), {"format": "csv"}
    )
    page = followed_to_the_end(client, asked)

    job = page.context["job"]
    assert (job.state, job.done, job.total) == ("done", 8, 8)
    download = client.get(reverse("admin:jobs_job_download", args=[job.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert sorted(int(row["value"]) for row in rows) == list(range(8))
    assert download["Content-Disposition"].startswith("attachment")
    assert job.output_name == exporting.file_name(foi_request.campaign, "csv")
    client.force_login(administrator)  # someone else's job: neither page nor file
    assert client.get(reverse("admin:jobs_job_download", args=[job.pk])).status_code == 403
    assert client.get(reverse("admin:jobs_job_change", args=[job.pk])).status_code == 403


def test_it_verifies_a_big_selection_in_the_background(client, caseworker, verifier, live_worker):
    foi_request = FOIRequestFactory()
    figures = [
        FigureFactory(request=foi_request, entered_by=caseworker, category=str(age), value=age)
        for age in range(9)
    ]
    client.force_login(verifier)
    ids = [str(figure.pk) for figure in figures]
    changelist = reverse("admin:returns_figure_changelist")
    shown = client.post(changelist, {"action": "verify_selected_figures", "_selected_action": ids})
    token = shown.context["plan"].token

    confirmed = client.post(
        changelist,
        {
            "action": "verify_selected_figures",
            "_selected_action": ids,
            "confirmed": "yes",
            "selection": token,
        },
    )
    page = followed_to_the_end(client, confirmed)

    assert page.context["job"].state == "done"
    assert "9 verified" in page.content.decode()
    assert Figure.objects.filter(verified_by=verifier).count() == 9


def test_it_says_why_a_job_stopped_and_keeps_nothing(client, verifier, live_worker):
    job = Job.objects.create(
        kind="export_dataset",
        title="An export of a campaign deleted meanwhile",
        params={"campaign": 999_999, "format": "csv", "suppress_below": None},
        started_by=verifier,
    )
    run_job.delay(job.pk)
    client.force_login(verifier)
    page = reloaded_until_it_ends(client, reverse("admin:jobs_job_change", args=[job.pk]))

    assert page.context["job"].state == "failed"
    assert "An unexpected error stopped it (DoesNotExist" in page.content.decode()
    assert not page.context["job"].output
