"""The statistics pages: each campaign's stored snapshot, its charts, and an unverified preview.

The pages read the snapshot the Celery task keeps (returns/snapshots.py); a stale or missing one
is said so on the page and a recompute is queued. `?preview=1` computes afresh including
unverified figures, clearly marked, and is never stored.
"""

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.text import slugify

from returns import breakdowns, roles, snapshots
from returns.models import Campaign, StatsSnapshot
from returns.statistics import compute_statistics, press_sentence
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
    period = _chosen_period(request, campaign, source["payload"])
    context = {
        **admin.site.each_context(request),
        "title": f"Statistics: {campaign}",
        "campaign": campaign,
        **source,
        "period": period,
        "periods": campaign.periods,
        "headline": headline(source["payload"], period) if source["payload"] else None,
        "press_sentence": (
            press_sentence(source["payload"], period) if source["payload"] else None
        ),
        "force_rows": [
            row for row in (source["payload"] or {}).get("forces", []) if row["period"] == period
        ],
        "breakdowns": breakdown_summaries(source["payload"], period),
        "charts": statistics_charts.charts_of(period),
    }
    return TemplateResponse(request, "returns/statistics_page.html", context)


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


def signed_pct(value):
    if value is None:
        return None
    return f"{'+' if value > 0 else '−' if value < 0 else ''}{abs(value):,.1f}%"


def headline(payload, period):
    """The period's row of the payload, with the words the page shows beside the numbers."""
    row = next((row for row in payload["periods"] if row["period"] == period), None)
    if row is None:
        return None
    like = row["like_for_like"]
    return {
        **row,
        "coverage": f"{row['forces_reporting']} of {row['forces_asked']} forces answered",
        "change_text": signed_pct(row["change_pct"]),
        "like_for_like_text": signed_pct(like["change_pct"]),
    }


def breakdown_summaries(payload, period):
    """[(breakdown, its summary of the period)] for each breakdown with statistics: a snapshot
    stored before a breakdown had statistics has no summary of it until it is recomputed."""
    row = next((row for row in (payload or {}).get("periods", []) if row["period"] == period), {})
    return [
        (breakdown, row[breakdown.summary_key])
        for breakdown in breakdowns.SUMMARISED
        if row.get(breakdown.summary_key) is not None
    ]
