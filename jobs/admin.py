"""Each user's long work: the list, and each job's page that reloads itself while it runs."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from config.protected_files import download_headers
from jobs.models import Job
from jobs.progress import duration_text, progress_view
from jobs.running import latest, may_see

REFRESH_SECONDS = 2


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "rows_done", "started_by", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["started_by"]

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        return jobs if request.user.is_superuser else jobs.filter(started_by=request.user)

    # Staff see their own jobs (superusers all); nobody adds or edits one by hand.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        allowed = self.has_module_permission(request)
        return allowed and (obj is None or may_see(request.user, obj))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = self.has_module_permission(request)
        return allowed and (obj is None or (not obj.is_active and may_see(request.user, obj)))

    def delete_model(self, request, job):
        job.output.delete(save=False)
        super().delete_model(request, job)

    def delete_queryset(self, request, queryset):
        for job in queryset.exclude(state__in=Job.ACTIVE_STATES):
            job.output.delete(save=False)
        super().delete_queryset(request, queryset.exclude(state__in=Job.ACTIVE_STATES))

    @admin.display(description="rows done")
    def rows_done(self, job):
        return f"{job.done:,} of {job.total:,}" if job.total else f"{job.done:,}"

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="jobs_job_download",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = latest(self.visible_job(request, object_id))
        now = timezone.now()
        view = progress_view(job, now, timedelta(minutes=settings.JOBS_STALLED_AFTER_MINUTES))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": job.title,
            "original": job,
            "job": job,
            "progress": view,
            "elapsed": duration_text(view.elapsed) if view.elapsed else "",
            "refresh_seconds": REFRESH_SECONDS if job.is_active else None,
            "has_delete_permission": self.has_delete_permission(request, job),
        }
        return TemplateResponse(request, "admin/jobs/job/progress.html", context)

    def download_view(self, request, pk):
        job = self.visible_job(request, pk)
        if not job.output:
            raise Http404("This job has no file.")
        # The headers of every protected download: attachment, nosniff, a sandbox CSP.
        return download_headers(FileResponse(job.output.open("rb")), job.output_name)

    def visible_job(self, request, pk):
        job = get_object_or_404(Job, pk=pk)
        if not may_see(request.user, job):
            raise PermissionDenied("This is another person's work, or needs a permission you lack.")
        return job
