"""The statistics pages: each campaign's stored snapshot, its charts, and an unverified preview.

The pages read the snapshot the Celery task keeps (returns/snapshots.py); a stale or missing one
is said so on the page and a recompute is queued. The page polls `statistics_status` and
reloads itself once a newer snapshot is stored. `?preview=1` computes afresh including
unverified figures, clearly marked, and is never stored.

Beside the snapshot, the page asks the database live who answered (`FOIRequest.objects
.answered()`) and why a force has no counted total (not held, no reply ...): the snapshot's
payload is the `national_stats --json` contract and holds only the numbers.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify

from returns import breakdowns, roles, snapshots
from returns.formatting import counted, signed_percent
from returns.models import Campaign, Figure, FOIRequest, StatsSnapshot
from returns.periods import period_start_year
from returns.statistics import compute_statistics, press_sentence, previous_of
from returns.views import statistics_charts
from returns.views.access import require, staff_page


@staff_page(
    roles.VIEW_STATISTICS,
    menu=("Statistics", "National statistics of each campaign, charts and press lines"),
)
def statistics_index(request):
    campaigns = Campaign.objects.select_related("snapshot").order_by("-created_at")
    context = {
        **admin.site.each_context(request),
        "title": "Statistics",
        "rows": [(campaign, _snapshot_of(campaign)) for campaign in campaigns],
    }
    return TemplateResponse(request, "returns/statistics_index.html", context)


@staff_page(roles.VIEW_STATISTICS)
def statistics_page(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    source = _source(request, campaign)
    payload = source["payload"]
    period = _chosen_period(request, campaign, payload)
    answered = set(campaign.requests.answered().values_list("force__name", flat=True))
    context = {
        **admin.site.each_context(request),
        "title": f"Statistics: {campaign}",
        "campaign": campaign,
        **source,
        "period": period,
        "periods": campaign.periods,
        "headline": headline(payload, period, len(answered)) if payload else None,
        "press_sentence": press_sentence(payload, period) if payload else None,
        "force_rows": force_rows(campaign, payload, period, answered, source["preview"]),
        "breakdowns": breakdown_summaries(payload, period),
        "charts": statistics_charts.charts_of(period),
        "status_url": reverse("returns:statistics_status", args=[campaign.slug]),
        "populations_url": reverse("admin:forces_under18population_changelist"),
    }
    return TemplateResponse(request, "returns/statistics_page.html", context)


@staff_page(roles.VIEW_STATISTICS)
def statistics_status(request, slug):
    """The snapshot's state, which the page polls: it reloads once `computed_at` moves on."""
    campaign = get_object_or_404(Campaign, slug=slug)
    snapshot = _snapshot_of(campaign)
    computed = snapshot is not None and snapshot.computed_at is not None
    return JsonResponse(
        {
            "computed_at": snapshot.computed_at.isoformat() if computed else None,
            "data_version": snapshot.data_version if computed else None,
            "stale": snapshot is None or snapshot.is_stale,
        }
    )


@staff_page(roles.VIEW_STATISTICS)
def statistics_chart(request, slug, name, fmt):
    if name not in statistics_charts.CHARTS or fmt not in statistics_charts.CONTENT_TYPES:
        raise Http404("No such chart.")
    campaign = get_object_or_404(Campaign, slug=slug)
    source = _source(request, campaign)
    if source["payload"] is None:
        raise Http404("These statistics have not been computed yet.")
    period = _chosen_period(request, campaign, source["payload"])
    chart = statistics_charts.CHARTS[name](source["payload"], source["extras"], period)
    response = HttpResponse(
        statistics_charts.render(chart, fmt), content_type=statistics_charts.CONTENT_TYPES[fmt]
    )
    if request.GET.get("download"):
        filename = slugify(f"{campaign.slug}-{name}-{period}")
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _snapshot_of(campaign):
    try:
        return campaign.snapshot
    except StatsSnapshot.DoesNotExist:
        return None


def _source(request, campaign):
    """The figures to show: the stored snapshot, or a fresh preview with unverified figures."""
    if request.GET.get("preview"):
        require(request, roles.PREVIEW_STATISTICS)
        statistics = compute_statistics(campaign, include_unverified=True)
        return {
            "preview": True,
            "snapshot": None,
            "stale": False,
            "payload": statistics.payload,
            "extras": statistics.extras,
            "figure_count": statistics.figure_count,
        }
    snapshot = _snapshot_of(campaign)
    stale = snapshot is None or snapshot.is_stale
    if stale:
        snapshots.schedule_recompute(campaign.pk)  # coalesced; the sweep is the safety net
    has_payload = snapshot is not None and snapshot.computed_at is not None
    return {
        "preview": False,
        "snapshot": snapshot,
        "stale": stale,
        "payload": snapshots.snapshot_payload_statistics(snapshot) if has_payload else None,
        "extras": snapshots.snapshot_extras(snapshot) if has_payload else {},
        "figure_count": snapshot.figure_count if has_payload else 0,
    }


def _chosen_period(request, campaign, payload):
    """?period= if it is one of the campaign's; otherwise the latest period with a total."""
    chosen = request.GET.get("period")
    if chosen in campaign.periods:
        return chosen
    with_totals = [row["period"] for row in (payload or {}).get("periods", []) if row["total"]]
    return with_totals[-1] if with_totals else campaign.periods[-1]


def headline(payload, period, answered_count):
    """The period's row of the payload, with the words the page shows beside the numbers.

    "N of M forces answered" counts the requests answered (a final response or figures:
    FOIRequest.objects.answered()), whether or not their figures are verified yet; the
    forces whose verified totals make up the figures are `forces_reporting`."""
    row = next((row for row in payload["periods"] if row["period"] == period), None)
    if row is None:
        return None
    like = row["like_for_like"]
    return {
        **row,
        "coverage": f"{answered_count} of {counted(row['forces_asked'], 'force')} answered",
        "reporting": f"from {counted(row['forces_reporting'], 'force')}",
        "change_text": signed_percent(row["change_pct"]),
        "like_for_like_text": signed_percent(like["change_pct"]),
    }


@dataclass(frozen=True)
class Missing:
    """Why a force's cell has no counted total, in words and as a CSS class."""

    words: str
    css: str


NOT_HELD = Missing("not held", "not-held")
NO_REPLY = Missing("no reply", "no-reply")
STATUS_WORDS = {
    Figure.Status.NOT_HELD: NOT_HELD,
    Figure.Status.NOT_PROVIDED: Missing("not provided", "not-provided"),
    Figure.Status.SUPPRESSED: Missing("suppressed", "suppressed"),
}
OUTCOME_WORDS = {
    FOIRequest.Outcome.NOT_HELD: NOT_HELD,
    FOIRequest.Outcome.REFUSED: Missing("refused", "refused"),
}


def why_missing(cell, outcome, answered, preview):
    """Why a force has no counted total for a period: its headline cell as (status, raw text,
    verified), or None when it has none; the request's outcome and whether it was answered."""
    if cell is not None:
        status, raw_value, is_verified = cell
        unverified = not (is_verified or preview)
        if status == Figure.Status.REPORTED:
            return Missing("not verified yet", "unverified") if unverified else None
        words = STATUS_WORDS.get(status)
        if words and status == Figure.Status.SUPPRESSED and raw_value:
            words = Missing(f"suppressed ({raw_value})", words.css)
        if words and unverified:
            words = Missing(f"{words.words}, not verified yet", words.css)
        return words
    if outcome in OUTCOME_WORDS:
        return OUTCOME_WORDS[outcome]
    return Missing("no total given", "no-total") if answered else NO_REPLY


def force_rows(campaign, payload, period, answered, preview):
    """The payload's rows of `period`, each with `missing` and `previous_missing` (why a total
    is not there) and `population_year` (for a rate that needs the population)."""
    rows = [row for row in (payload or {}).get("forces", []) if row["period"] == period]
    if not rows:
        return rows
    previous = previous_of(campaign.periods, period)
    cells = {
        (force_name, cell_period): (status, raw_value, verified_at is not None)
        for force_name, cell_period, status, raw_value, verified_at in Figure.objects.filter(
            request__campaign=campaign,
            measure=campaign.measure,
            period__in=[period, previous],
            breakdown="",
            category="",
        ).values_list("request__force__name", "period", "status", "raw_value", "verified_at")
    }
    outcomes = dict(campaign.requests.values_list("force__name", "outcome"))
    year = period_start_year(period)

    def missing(name, total, cell_period):
        if total is not None or cell_period is None:
            return None
        cell = cells.get((name, cell_period))
        return why_missing(cell, outcomes.get(name, ""), name in answered, preview)

    return [
        {
            **row,
            "missing": missing(row["force"], row["total"], period),
            "previous_missing": missing(row["force"], row["previous_total"], previous),
            "population_year": year,
        }
        for row in rows
    ]


def breakdown_summaries(payload, period):
    """[(breakdown, its summary of the period)] for each breakdown with statistics: a snapshot
    stored before a breakdown had statistics has no summary of it until it is recomputed."""
    row = next((row for row in (payload or {}).get("periods", []) if row["period"] == period), {})
    return [
        (breakdown, row[breakdown.summary_key])
        for breakdown in breakdowns.SUMMARISED
        if row.get(breakdown.summary_key) is not None
    ]
