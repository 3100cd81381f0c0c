"""The long work of FOI returns that runs as a job when it is big (docs/long-work.md): a bulk
verification, a dataset export, and an admin import's preview and confirm. Each calls the same
plain function as the inline path."""

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from import_export.signals import post_import

from jobs.registry import JobRefused, JobResult, job_kind
from jobs.running import save_output
from returns import exporting, roles
from returns.importing import claims
from returns.importing.service import confirm_stored, import_long
from returns.models import Campaign, Figure, PlausibilityWarning
from returns.verification import summary, verify_as_decided

# --- Bulk verification (returns/admin/verification.py starts it)


def verification_params(user, figure_ids, dismissals, left_open):
    """What the worker needs: the figures cleared on the confirmation page, the warnings to
    dismiss or acknowledge there ([warning id, reason]), and how many were left open."""
    return {
        "user": user.pk,
        "figures": list(figure_ids),
        "decisions": [[warning.pk, reason] for warning, reason in dismissals],
        "left_open": len(left_open),
    }


@job_kind("verify_figures", label="Bulk verification", permission=roles.VERIFY_FIGURES)
def run_verification(job, progress):
    params = job.params
    user = get_user_model().objects.get(pk=params["user"])
    figure_ids, left_open = params["figures"], params["left_open"]
    progress(0, len(figure_ids))
    progress.stage("Verifying")
    try:
        dismissals = decided_warnings(params["decisions"])
        figures = Figure.objects.filter(pk__in=figure_ids)
        verified, refused = verify_as_decided(user, figures, dismissals, progress=progress)
    except (PermissionError, ValueError, PlausibilityWarning.DoesNotExist) as error:
        raise JobRefused(f"Nothing was verified: {error}") from None
    progress(len(figure_ids), len(figure_ids))
    return JobResult(
        f"{summary(verified, refused, left_open)}.",
        level="success" if verified and not refused and not left_open else "warning",
        links=[("Back to the figures", reverse("admin:returns_figure_changelist"))],
    )


def decided_warnings(decisions):
    """[(warning, reason)] of the decisions' [warning id, reason], read in one query."""
    warnings = PlausibilityWarning.objects.select_related("figure").in_bulk(
        [warning_id for warning_id, _ in decisions]
    )
    if len(warnings) < len(decisions):
        raise PlausibilityWarning.DoesNotExist("A warning decided on has been deleted since.")
    return [(warnings[warning_id], reason) for warning_id, reason in decisions]


# --- Dataset export (returns/views/verification.py starts it)


@job_kind("export_dataset", label="Dataset export", permission=roles.EXPORT_DATASET)
def run_export(job, progress):
    params = job.params
    campaign = Campaign.objects.get(pk=params["campaign"])
    progress.stage("Writing the file")
    try:
        export_format, dataset = exporting.prepare(
            campaign, params["format"], params.get("suppress_below"), progress=progress
        )
    except exporting.ExportError as error:
        raise JobRefused(str(error)) from None
    total = dataset.about["figures"]
    name = exporting.file_name(campaign, params["format"])
    save_output(job, name, lambda stream: export_format.write(dataset, stream))
    return JobResult(
        f"{total:,} verified figures of {campaign} written to {name}.",
        links=[
            ("Back to the dataset page", reverse("returns:dataset_download", args=[campaign.slug]))
        ],
    )


# --- A big long-format import through the admin: the preview, then the confirm
# (returns/admin/figures.py starts them; the upload stays where the inline path keeps it:
# returns/importing/claims.py).


def import_params(user, campaign, stored_name, original_name):
    return {
        "user": user.pk,
        "campaign": campaign.pk,
        "stored_name": stored_name,
        "original_name": original_name,
    }


@job_kind("import_preview", label="Import preview", permission=roles.IMPORT_FIGURES)
def run_import_preview(job, progress):
    user, campaign, params = _import_inputs(job)
    progress.stage("Reading and checking every row (nothing is saved)")
    try:
        data = claims.peek(params["stored_name"])
    except claims.UploadUnavailable as error:
        raise JobRefused(str(error)) from None
    outcome = import_long(
        campaign, data, params["original_name"], user, dry_run=True, progress=progress
    )
    if not outcome.ok:
        claims.discard(params["stored_name"])  # no confirm follows a refused file
        # The problems end with a line counting those not listed (importing/errors.py).
        raise JobRefused("The file was refused and nothing was saved.", outcome.problems)
    return JobResult(
        f"Preview of {params['original_name']}: {outcome.summary.counts_text()}. Nothing is "
        "saved until you confirm.",
        level="warning" if outcome.summary.warnings else "success",
        detail_html=outcome_html(outcome),
        confirm={
            "label": "Confirm import",
            "url": reverse("admin:returns_figure_process_import"),
            "fields": {
                "campaign": campaign.pk,
                "import_file_name": params["stored_name"],
                "original_file_name": params["original_name"],
                "format": "0",
            },
        },
    )


@job_kind("import_confirm", label="Import", permission=roles.IMPORT_FIGURES)
def run_import_confirm(job, progress):
    user, campaign, params = _import_inputs(job)
    progress.stage("Saving (all or nothing)")
    outcome = confirm_stored(
        params["stored_name"],
        lambda data: import_long(campaign, data, params["original_name"], user, progress=progress),
    )
    if not outcome.ok:
        raise JobRefused("Nothing was saved by this confirm.", outcome.problems)
    post_import.send(sender=None, model=Figure)
    return JobResult(
        f"Import finished: {outcome.summary.counts_text()}.",
        detail_html=outcome_html(outcome),
        links=[("The figures", reverse("admin:returns_figure_changelist"))],
    )


def _import_inputs(job):
    params = job.params
    user = get_user_model().objects.get(pk=params["user"])
    return user, Campaign.objects.get(pk=params["campaign"]), params


def outcome_html(outcome):
    """The summary the inline import shows (the same template), for the job's page."""
    return render_to_string(
        "admin/returns/figure/_outcome.html",
        {"summary": outcome.summary, "problems": outcome.problems},
    )
