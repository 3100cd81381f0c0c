"""A big returns file imported in a real browser: the preview and the confirm each run on the
Celery worker while the job's page reloads itself, then end in the import's own summary."""

import pytest
from django.urls import reverse

from returns.models import Figure
from tests.journeys.conftest import click_through, log_in, needs_chromium, screenshot, wait_for
from tests.journeys.test_accessibility import AXE_JS, axe_violations, described
from tests.returns.files.helpers import csv_bytes, make_campaign

pytestmark = [
    needs_chromium,
    pytest.mark.browser,
    pytest.mark.worker,
    # The job's progress is written through a connection of its own (docs/long-work.md).
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__"),
]
FORCES = ["Northumbria Police", "Durham Constabulary", "West Mercia Police"]


def big_file(rows):
    return csv_bytes(
        *(
            f"{FORCES[n % 3]},2016/17,online_child_sexual_offences,victim_age,{n // 3},{n + 1},"
            for n in range(rows)
        )
    )


def test_it_follows_a_big_import_on_its_job_page_to_the_confirm_and_the_summary(
    live_server, live_worker, open_browser, tmp_path, caseworker, settings
):
    settings.JOBS_INLINE_MAX_ROWS = 20
    campaign = make_campaign()
    upload = tmp_path / "big-returns.csv"
    upload.write_bytes(big_file(54))
    casey = open_browser()
    log_in(casey, live_server, caseworker)

    casey.get(live_server.url + reverse("admin:returns_figure_import"))
    wait_for(casey, "#id_import_file").send_keys(str(upload))
    click_through(casey, casey.find_element("css selector", "#content form input[type=submit]"))

    # The job's page: it reloads itself until the worker has read every row.
    assert "/admin/jobs/job/" in casey.current_url
    confirm = wait_for(casey, "#job-confirm input[type=submit]", timeout=60)
    page = casey.find_element("id", "content").text
    assert "54 of 54 rows done (100%)" in page
    assert "54 new" in page and "Nothing is saved until you confirm" in page
    assert not Figure.objects.exists()
    screenshot(casey, "21-big-import-preview-job")
    if AXE_JS.exists():  # the job's page, checked like the other staff pages
        assert not described("job page", axe_violations(casey))

    click_through(casey, confirm)
    result = wait_for(casey, "#job-result", timeout=60).text
    assert "Import finished: 54 created, 0 updated, 0 unchanged" in result
    assert Figure.objects.filter(request__campaign=campaign).count() == 54
    screenshot(casey, "22-big-import-confirmed-job")

    casey.get(live_server.url + reverse("admin:jobs_job_changelist"))
    assert "Importing big-returns.csv" in wait_for(casey, "#result_list").text
