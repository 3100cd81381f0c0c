"""One piece of long work (a big import, a bulk verification, a dataset export) run by a
Celery worker, with the progress its page shows (docs/long-work.md)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property


class JobOutputStorage(FileSystemStorage):
    """Files built by jobs (exports), under MEDIA_ROOT/jobs. Not the default storage, so the
    generic /files/ view never serves them: only the job's own download link does, to its
    starter (jobs/admin.py)."""

    @cached_property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "jobs")


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped by an error"

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    kind = models.CharField(max_length=40, help_text="Which work: jobs/registry.py.")
    title = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveBigIntegerField(default=0, help_text="Rows to do (0: not known yet).")
    done = models.PositiveBigIntegerField(default=0)
    stage = models.CharField(max_length=120, blank=True, help_text="What it is doing now.")
    # What the page shows when it has ended: {"message", "level", "problems", "links", ...}.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    output = models.FileField(storage=JobOutputStorage(), upload_to="%Y/%m/", blank=True)
    output_name = models.CharField(max_length=255, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched by every progress report: a running job whose heartbeat stops has lost its worker.
    updated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["started_by", "-created_at"])]

    def __str__(self):
        return self.title

    @property
    def is_active(self):
        return self.state in self.ACTIVE_STATES
