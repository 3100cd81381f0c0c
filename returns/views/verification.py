"""Staff pages for verification: verify a request's figures from its page; download datasets."""

import tempfile

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jobs import running as jobs
from returns import exporting, roles
from returns.models import Campaign, Figure, FOIRequest
from returns.verification import summary, verify_figures
from returns.views.access import staff_page


@staff_page(roles.VERIFY_FIGURES)
@require_POST
def verify_request_figures(request, request_id):
    """Verify the figures of one request that the verifier saw listed on its page."""
    foi_request = get_object_or_404(FOIRequest, pk=request_id)
    shown = [pk for pk in request.POST.getlist("figure") if pk.isdigit()]
    figures = foi_request.figures.filter(pk__in=shown).select_related("request")
    verified, refused = verify_figures(request.user, figures)
    level = messages.SUCCESS if verified and not refused else messages.WARNING
    messages.add_message(request, level, f"{foi_request.force}: {summary(verified, refused)}.")
    return redirect("admin:returns_foirequest_change", foi_request.pk)


class DatasetForm(forms.Form):
    format = forms.ChoiceField(choices=[(f, f.upper()) for f in exporting.FORMATS])
    suppress_below = forms.IntegerField(
        required=False,
        min_value=2,
        label="Suppress counts below",
        help_text='For publication: counts from 1 to N-1 are written as "<N" (e.g. 5). '
        "Leave empty for the full dataset.",
    )


@staff_page(
    roles.EXPORT_DATASET,
    menu=(
        "Verified datasets",
        "Download each campaign's verified figures as CSV, XLSX or JSON",
    ),
)
@require_GET
def datasets_index(request):
    """Every campaign with how many of its figures are verified, each linking to its download."""
    campaigns = Campaign.objects.annotate(
        total=Count("requests__figures"),
        verified=Count("requests__figures", filter=Q(requests__figures__verified_at__isnull=False)),
    )
    context = {
        **admin.site.each_context(request),
        "title": "Verified datasets",
        "campaigns": campaigns,
    }
    return TemplateResponse(request, "returns/datasets_index.html", context)


@staff_page(roles.EXPORT_DATASET)
@require_GET
def dataset_download(request, slug):
    """The verified dataset of a campaign: a small form, then the file."""
    campaign = get_object_or_404(Campaign, slug=slug)
    form = DatasetForm(request.GET if "format" in request.GET else None)
    figures = Figure.objects.filter(request__campaign=campaign)
    if form.is_valid():
        options = form.cleaned_data
        verified = figures.filter(verified_at__isnull=False).count()
        if jobs.runs_in_background(verified):
            return redirect(export_job(request.user, campaign, options, verified))
        return dataset_file(campaign, options["format"], options["suppress_below"])
    context = {
        **admin.site.each_context(request),
        "title": f"Verified dataset: {campaign}",
        "campaign": campaign,
        "form": form,
        "verified": figures.filter(verified_at__isnull=False).count(),
        "total": figures.count(),
    }
    context["in_background"] = jobs.runs_in_background(context["verified"])
    return TemplateResponse(request, "returns/dataset_download.html", context)


def export_job(user, campaign, options, verified):
    """A big dataset is written by a worker: the user watches its page, then downloads it."""
    job = jobs.start(
        "export_dataset",
        user=user,
        title=f"Exporting {verified:,} verified figures of {campaign} ({options['format']})",
        params={
            "campaign": campaign.pk,
            "format": options["format"],
            "suppress_below": options["suppress_below"],
        },
        total=verified,
    )
    return reverse("admin:jobs_job_change", args=[job.pk])


def dataset_file(campaign, format, suppress_below):
    """The dataset as it is written: CSV and JSON streamed as the rows are read; a format
    written to a file (XLSX) built in a temporary file, sent, and gone when the response is
    closed."""
    export_format, dataset = exporting.prepare(campaign, format, suppress_below)
    name = exporting.file_name(campaign, format)
    if export_format.chunks:
        response = StreamingHttpResponse(
            export_format.chunks(dataset), content_type=export_format.content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    built = tempfile.TemporaryFile()
    export_format.write(dataset, built)
    built.seek(0)
    return FileResponse(
        built, as_attachment=True, filename=name, content_type=export_format.content_type
    )
