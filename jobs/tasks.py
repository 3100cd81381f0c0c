"""Celery's side of jobs: a thin wrapper around jobs/running.py."""

from celery import shared_task


@shared_task(name="jobs.tasks.run_job")
def run_job(job_id):
    """Run one queued job (an import, a bulk verification, an export) and record how it ended."""
    from jobs.running import run

    return run(job_id)
