"""What a job's page says about its progress: pure arithmetic on the job's row."""

from dataclasses import dataclass
from datetime import datetime, timedelta

WAITING_TOO_LONG = timedelta(minutes=1)


@dataclass(frozen=True)
class ProgressView:
    percent: int | None  # None: the total is not known yet
    elapsed: timedelta | None
    expected_end: datetime | None
    waiting_too_long: bool  # queued with no worker taking it
    stalled: bool  # running, but no progress reported for a long time: the worker stopped


def progress_view(job, now, stalled_after) -> ProgressView:
    started = job.started_at
    end = job.finished_at or now
    elapsed = end - started if started else None
    percent = min(100, job.done * 100 // job.total) if job.total else None
    expected_end = None
    if job.state == "running" and elapsed and job.total and 0 < job.done < job.total:
        expected_end = now + elapsed * ((job.total - job.done) / job.done)
    return ProgressView(
        percent=percent,
        elapsed=elapsed,
        expected_end=expected_end,
        waiting_too_long=job.state == "queued" and now - job.created_at > WAITING_TOO_LONG,
        stalled=job.state == "running"
        and went_quiet(job.updated_at or started, now, stalled_after),
    )


def went_quiet(heartbeat, now, after):
    """Whether running work last reported at `heartbeat` has been silent for longer than
    `after`: its worker stopped (a job here, a send run on the Sending page)."""
    return heartbeat is not None and now - heartbeat > after


def duration_text(delta):
    """`1 h 02 min`, `3 min 05 s`, `12 s`."""
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"
