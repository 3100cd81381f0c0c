"""Who sees a job, and what its page says before and after it ends (no worker needed)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def job_of(user, **fields):
    return Job.objects.create(
        kind="import_preview", title=f"Checking big.csv for {user}", started_by=user, **fields
    )


def test_it_lists_each_person_s_own_jobs_and_everyone_s_for_a_superuser(
    client, caseworker, second_caseworker
):
    mine, theirs = job_of(caseworker), job_of(second_caseworker)
    changelist = reverse("admin:jobs_job_changelist")

    client.force_login(caseworker)
    page = client.get(changelist).content.decode()
    assert mine.title in page and theirs.title not in page
    assert client.get(reverse("admin:jobs_job_change", args=[theirs.pk])).status_code == 403

    client.force_login(UserFactory(username="root", is_superuser=True))
    page = client.get(changelist).content.decode()
    assert mine.title in page and theirs.title in page


def test_it_refuses_a_job_page_to_its_starter_once_they_lose_the_permission(client, caseworker):
    job = job_of(caseworker)
    caseworker.groups.clear()
    client.force_login(caseworker)

    assert client.get(reverse("admin:jobs_job_change", args=[job.pk])).status_code == 403


def test_it_reloads_a_running_job_s_page_and_shows_its_rows(client, caseworker):
    now = timezone.now()
    job = job_of(caseworker, state="running", total=100_000, done=40_000, started_at=now)
    client.force_login(caseworker)

    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert "40,000 of 100,000 rows done (40%)" in page
    assert "Expected to end at about" in page


def test_it_stops_reloading_once_the_job_has_ended_and_shows_its_problems(client, caseworker):
    job = job_of(
        caseworker,
        state="failed",
        result={"message": "The file was refused and nothing was saved.", "level": "error",
                "problems": ["Row 7, column force: 'Nowhere Constabulary' is not a force."]},
    )  # fmt: skip
    client.force_login(caseworker)

    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()

    assert "http-equiv" not in page
    assert "Stopped: The file was refused and nothing was saved." in page
    assert "Row 7, column force: &#x27;Nowhere Constabulary&#x27; is not a force." in page


def test_it_deletes_only_jobs_that_have_ended(client, caseworker):
    running, ended = job_of(caseworker, state="running"), job_of(caseworker, state="done")
    client.force_login(caseworker)

    for job in (running, ended):
        client.post(reverse("admin:jobs_job_delete", args=[job.pk]), {"post": "yes"})

    assert list(Job.objects.all()) == [running]
