"""What a job's page says about its progress, and how big a file looks: pure rules."""

from datetime import datetime, timedelta
from types import SimpleNamespace

from jobs.progress import duration_text, progress_view
from returns.importing.files import estimated_rows
from tests.returns.files.helpers import csv_bytes, xlsx_bytes

NOON = datetime(2026, 11, 28, 12, 0, 0)
STALLED_AFTER = timedelta(minutes=10)


def job(**fields):
    defaults = dict(
        state="running", total=100_000, done=25_000, created_at=NOON, started_at=NOON,
        updated_at=NOON + timedelta(seconds=10), finished_at=None,
    )  # fmt: skip
    return SimpleNamespace(**{**defaults, **fields})


def test_it_expects_the_end_from_the_pace_so_far():
    view = progress_view(job(), NOON + timedelta(seconds=10), STALLED_AFTER)

    assert view.percent == 25
    assert view.elapsed == timedelta(seconds=10)
    assert view.expected_end == NOON + timedelta(seconds=40)
    assert not view.stalled and not view.waiting_too_long


def test_it_expects_no_end_before_any_row_is_done_or_when_the_total_is_unknown():
    assert progress_view(job(done=0), NOON, STALLED_AFTER).expected_end is None
    unknown = progress_view(job(total=0), NOON, STALLED_AFTER)
    assert unknown.expected_end is None and unknown.percent is None


def test_it_calls_a_running_job_without_news_for_ten_minutes_stalled():
    later = NOON + timedelta(minutes=10, seconds=11)

    assert progress_view(job(), later, STALLED_AFTER).stalled
    assert not progress_view(job(state="done", finished_at=later), later, STALLED_AFTER).stalled


def test_it_says_when_no_worker_has_taken_a_job_for_a_minute():
    queued = job(state="queued", started_at=None, updated_at=None, done=0)

    assert not progress_view(queued, NOON + timedelta(seconds=59), STALLED_AFTER).waiting_too_long
    assert progress_view(queued, NOON + timedelta(seconds=61), STALLED_AFTER).waiting_too_long


def test_it_measures_a_finished_job_to_its_end():
    finished = job(state="done", done=100_000, finished_at=NOON + timedelta(minutes=3, seconds=5))

    view = progress_view(finished, NOON + timedelta(hours=1), STALLED_AFTER)

    assert duration_text(view.elapsed) == "3 min 05 s"
    assert view.percent == 100 and view.expected_end is None


def test_it_writes_durations_for_people():
    assert duration_text(timedelta(seconds=12)) == "12 s"
    assert duration_text(timedelta(hours=1, minutes=2, seconds=9)) == "1 h 02 min"


def test_it_estimates_a_csv_by_its_lines_and_an_xlsx_by_the_size_its_sheet_states():
    lines = [f"Northumbria Police,2016/17,m,victim_age,{n % 18},1," for n in range(1200)]
    assert estimated_rows(csv_bytes(*lines)) == 1201

    rows = [["force", "period", "value"]] + [
        ["Durham Constabulary", "2016/17", n] for n in range(700)
    ]
    assert estimated_rows(xlsx_bytes(rows)) == 701


def test_it_estimates_nothing_for_a_damaged_xlsx():
    assert estimated_rows(b"PK\x03\x04 not really a zip") == 0


def test_it_shows_the_progress_a_worker_noted_in_a_file_on_sqlite(settings, tmp_path):
    from django.utils import timezone

    from jobs.models import Job
    from jobs.running import _write_note, latest

    settings.MEDIA_ROOT = tmp_path
    working = Job(pk=7, state="running", done=30_000, total=100_000, stage="Saving")
    working.updated_at = timezone.now()
    _write_note(working)

    shown = latest(Job(pk=7, state="running"))
    assert (shown.done, shown.total, shown.stage) == (30_000, 100_000, "Saving")
    assert shown.updated_at == working.updated_at
    ended = latest(Job(pk=7, state="done", done=100_000, total=100_000))
    assert ended.done == 100_000  # the row's own figures once it has ended


def test_it_leaves_an_xlsx_that_overstates_its_size_to_the_job_rather_than_refusing_it():
    from returns.importing.files import refused_at_once

    rows = [["force", "period", "value"]] + [["Durham Constabulary", "2016/17", 1]] * 10
    padded = with_sheet_dimension(xlsx_bytes(rows), "A1:XFD1048576")  # as some exports say

    assert estimated_rows(padded) == 1_048_576  # big: a job reads it and counts its real rows
    assert not refused_at_once(padded)


def with_sheet_dimension(data, dimension):
    """The workbook with its first sheet claiming `dimension`."""
    import io
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"/>',
                    f'<dimension ref="{dimension}"/>'.encode(),
                    content,
                )
            target.writestr(item, content)
    return out.getvalue()
