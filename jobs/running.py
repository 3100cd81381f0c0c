"""Starting a job, running it on a worker, and reporting its progress (docs/long-work.md).

The web request only records the job and queues its task; the worker claims it, runs its kind
(jobs/registry.py) and records how it ended. Progress is written so that the page sees it while
the work's own transaction is still open (`Progress`).
"""

import json
import logging
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from jobs.models import Job
from jobs.registry import KINDS, JobRefused, JobResult

log = logging.getLogger(__name__)

PROGRESS_DB = "jobs"
REPORT_EVERY_SECONDS = 0.5


def runs_in_background(rows):
    """Whether work on `rows` rows is big enough for a job (settings.JOBS_INLINE_MAX_ROWS)."""
    return rows > settings.JOBS_INLINE_MAX_ROWS


def start(kind, *, user, title, params, total=0) -> Job:
    """Record a job and queue it for a worker once the caller's transaction commits."""
    from jobs.tasks import run_job

    if kind not in KINDS:
        raise ValueError(f"No such kind of job: {kind}")
    job = Job.objects.create(
        kind=kind, title=title[:300], params=params, total=total, started_by=user
    )
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def may_see(user, job) -> bool:
    """Its starter (or a superuser), while they hold the permission the work needs."""
    kind = KINDS.get(job.kind)
    if kind is None or not user.has_perm(kind.permission):
        return False
    return user.is_superuser or job.started_by_id == user.pk


def run(job_id):
    """Claim the queued job and run it; a second delivery of the same task does nothing."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, updated_at=now
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    progress = Progress(job)
    try:
        result = KINDS[job.kind].run(job, progress)
    except JobRefused as refusal:
        return _end(job, Job.State.FAILED, error=refusal.message, problems=refusal.problems)
    except Exception as error:  # noqa: BLE001 - the page must say it stopped, whatever stopped it
        log.exception("Job %s (%s) stopped by an error", job.pk, job.kind)
        return _end(
            job,
            Job.State.FAILED,
            error=f"An unexpected error stopped it ({type(error).__name__}: {error}). "
            "Nothing was saved; the error is in the worker's log.",
        )
    progress.finish()
    return _end(job, Job.State.DONE, result=result)


def _end(job, state, *, result=None, error="", problems=()):
    if state == Job.State.FAILED and job.output:
        job.output.delete(save=False)
    _note_path(job.pk).unlink(missing_ok=True)
    outcome = result.as_json() if result else JobResult(error, "error", list(problems)).as_json()
    Job.objects.filter(pk=job.pk).update(
        state=state,
        result=outcome,
        error=error,
        output=job.output.name or "",
        output_name=job.output_name,
        done=job.done,
        total=job.total,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return state


class Progress:
    """`progress(done, total)`, as the plain functions call it, written at most twice a second.

    On PostgreSQL through the `jobs` connection, committed at once. SQLite has one writer at a
    time, and the job's own transaction holds it: there the progress goes to a small file under
    MEDIA_ROOT/jobs/progress instead (SQLite means one machine), which the page reads.
    """

    def __init__(self, job):
        self.job = job
        self.last_written = 0.0

    def __call__(self, done, total=None):
        self.job.done = done
        if total is not None:
            self.job.total = total
        if time.monotonic() - self.last_written >= REPORT_EVERY_SECONDS:
            self.write()

    def stage(self, text):
        """What the job does now ("Reading the file", "Saving"), shown on its page."""
        self.job.stage = text
        self.write()

    def finish(self):
        self.job.done = max(self.job.done, self.job.total)

    def write(self):
        self.last_written = time.monotonic()
        self.job.updated_at = timezone.now()
        if connections[PROGRESS_DB].vendor == "sqlite":
            _write_note(self.job)
            return
        try:
            Job.objects.using(PROGRESS_DB).filter(pk=self.job.pk).update(
                **{name: getattr(self.job, name) for name in NOTED}
            )
        except DatabaseError as error:
            log.warning("Progress of job %s not written: %s", self.job.pk, error)


NOTED = ("done", "total", "stage", "updated_at")


def latest(job):
    """The job as its page shows it: with the progress noted in its file, if any (SQLite)."""
    try:
        note = json.loads(_note_path(job.pk).read_text())
    except (OSError, ValueError):
        return job
    if job.is_active:
        job.done, job.total, job.stage = note["done"], note["total"], note["stage"]
        job.updated_at = datetime.fromisoformat(note["updated_at"])
    return job


def _note_path(job_id):
    return Path(settings.MEDIA_ROOT) / "jobs" / "progress" / f"{job_id}.json"


def _write_note(job):
    path = _note_path(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    note = {name: getattr(job, name) for name in NOTED}
    note["updated_at"] = job.updated_at.isoformat()
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(note))
    os.replace(scratch, path)  # the page never reads half a note


def save_output(job, file_name, write):
    """Build the job's file with `write(stream)` (binary), then keep it as the job's output."""
    with tempfile.NamedTemporaryFile(dir=_scratch_dir(), delete=False) as scratch:
        try:
            write(scratch)
            scratch.flush()
            scratch.seek(0)
            job.output.save(file_name, File(scratch), save=False)
        finally:
            os.unlink(scratch.name)
    job.output_name = file_name


def _scratch_dir():
    path = settings.MEDIA_ROOT / "jobs" / "building"
    path.mkdir(parents=True, exist_ok=True)
    return path
