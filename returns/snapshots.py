"""The stored statistics of each campaign, kept in step with its figures by Celery.

How a change reaches the snapshot:
1. The database records every change of figures itself: triggers on the figures table append a
   `FigureChange` row per request touched (returns/figure_changes.py), whatever wrote them, so
   no write path can leave the snapshot looking up to date. Other inputs of the statistics (a
   campaign's periods, under-18 populations) bump `Campaign.data_version` through
   `mark_data_changed()`.
2. Writers that want the statistics soon call `Campaign.mark_data_changed()` once per change
   (imports once per import): `schedule_recompute` enqueues `recompute_statistics` on commit with
   a short countdown (nothing is sent if it rolls back), so a burst coalesces into one recompute.
3. The task takes the snapshot row with SELECT ... FOR UPDATE SKIP LOCKED, reads the campaign's
   version and pending change rows *before* reading the figures, recomputes if either says the
   snapshot is older, stores that version and deletes exactly the change rows it read: a change
   committed meanwhile keeps its row, so the snapshot never claims to be newer than its figures.
   Extra messages of a burst find the snapshot fresh and do nothing.
4. A run that finds the row locked returns at once: the run holding it checks again after
   committing and goes round once more if anything moved meanwhile.
5. The beat task `repair_stale_statistics` recomputes every snapshot that is missing or out of
   date (a lost message, a broker that was down, a write that never scheduled a recompute);
   until then pages say it is out of date.
"""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone

from returns.breakdowns import COUNTS_KEYS
from returns.models import Campaign, FigureChange, StatsSnapshot
from returns.statistics import compute_statistics

logger = logging.getLogger(__name__)

# Seconds between a commit and its recompute: edits within it coalesce into one recompute.
RECOMPUTE_DELAY_SECONDS = getattr(settings, "STATISTICS_RECOMPUTE_DELAY_SECONDS", 2)
# Rounds one task may run when the figures keep changing under it; the sweep does the rest.
MAX_ROUNDS = 3

# Sent after each stored recompute, with campaign_id and data_version.
statistics_recomputed = Signal()

GONE, BUSY, FRESH, RECOMPUTED = "gone", "busy", "fresh", "recomputed"


def schedule_recompute(campaign_id):
    """Enqueue a recompute once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(_enqueue, campaign_id), robust=True)


def _enqueue(campaign_id):
    from returns.tasks import recompute_statistics

    try:
        recompute_statistics.apply_async((campaign_id,), countdown=RECOMPUTE_DELAY_SECONDS)
    except Exception:  # the data is committed; the sweep repairs the snapshot later
        logger.warning(
            "Could not enqueue the statistics of campaign %s; the sweep will recompute them.",
            campaign_id,
            exc_info=True,
        )


def recompute(campaign_id):
    """Bring the campaign's snapshot up to date.

    Returns RECOMPUTED if it stored a new snapshot, otherwise why not (GONE, BUSY, FRESH).
    """
    recomputed = False
    for _ in range(MAX_ROUNDS):
        outcome = recompute_once(campaign_id)
        if outcome != RECOMPUTED:
            return RECOMPUTED if recomputed else outcome
        recomputed = True
    return RECOMPUTED


def recompute_once(campaign_id):
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return GONE
    StatsSnapshot.objects.get_or_create(campaign=campaign)
    with transaction.atomic():
        snapshot = (
            StatsSnapshot.objects.select_for_update(skip_locked=True)
            .filter(campaign_id=campaign_id)
            .first()
        )
        if snapshot is None:
            return BUSY
        campaign.refresh_from_db()
        # Read before the figures, like the version: a change committed after this point
        # leaves its own row behind, and the snapshot stays marked out of date.
        changes_taken_in = list(FigureChange.of_campaign(campaign_id).values_list("pk", flat=True))
        if (
            snapshot.computed_at is not None
            and snapshot.data_version >= campaign.data_version
            and not changes_taken_in
        ):
            return FRESH
        statistics = compute_statistics(campaign)
        snapshot.payload = {**statistics.payload, **statistics.extras}
        snapshot.figure_count = statistics.figure_count
        snapshot.data_version = campaign.data_version
        snapshot.computed_at = timezone.now()
        snapshot.save()
        FigureChange.objects.filter(pk__in=changes_taken_in).delete()
    logger.info("Statistics of %s recomputed at version %s.", campaign, snapshot.data_version)
    statistics_recomputed.send(
        sender=StatsSnapshot, campaign_id=campaign_id, data_version=snapshot.data_version
    )
    return RECOMPUTED


def stale_campaign_ids():
    return list(
        Campaign.objects.filter(
            Q(snapshot__isnull=True)
            | Q(snapshot__computed_at__isnull=True)
            | Q(snapshot__data_version__lt=F("data_version"))
            | Exists(FigureChange.objects.filter(request__campaign_id=OuterRef("pk")))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def repair_stale():
    """Recompute every missing or stale snapshot; returns how many were recomputed."""
    return sum(recompute(campaign_id) == RECOMPUTED for campaign_id in stale_campaign_ids())


def snapshot_payload_statistics(snapshot):
    """The `national_stats --json` part of a stored payload (without the chart-only extras)."""
    return {key: value for key, value in snapshot.payload.items() if key not in COUNTS_KEYS}


def snapshot_extras(snapshot):
    """The chart-only extras of a stored payload: {"age_counts": {period: {"13": 257}}}."""
    return {key: value for key, value in snapshot.payload.items() if key in COUNTS_KEYS}


def populations_changed(**kwargs):
    """Under-18 populations feed every campaign's rates: mark every campaign's statistics stale."""
    for campaign in Campaign.objects.only("pk"):
        campaign.mark_data_changed()


def requests_changed(sender, instance, created=True, **kwargs):
    """A request added to or removed from a campaign whose statistics exist: `forces_asked` and
    the per-force rows change. (A new campaign has no snapshot yet: it is computed anyway.)"""
    if not created:
        return
    if StatsSnapshot.objects.filter(campaign_id=instance.campaign_id).exists():
        Campaign(pk=instance.campaign_id).mark_data_changed()
