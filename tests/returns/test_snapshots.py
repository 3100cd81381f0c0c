"""The stored snapshot: the version it was computed from, coalescing, locking, the repair sweep."""

import threading

import pytest
from django.db import connection, transaction

from returns import snapshots
from returns.models import Campaign, StatsSnapshot
from returns.statistics import compute_statistics
from tests.factories import CampaignFactory, FigureFactory


def verified_figure(campaign, verifier, **fields):
    from django.utils import timezone

    return FigureFactory(
        request__campaign=campaign, verified_by=verifier, verified_at=timezone.now(), **fields
    )


@pytest.mark.django_db
def test_it_stores_the_statistics_with_the_version_they_were_computed_from(verifier, recomputes):
    campaign = CampaignFactory()
    verified_figure(campaign, verifier, value=98, period="2015/16")
    campaign.mark_data_changed()
    campaign.mark_data_changed()

    assert snapshots.recompute(campaign.pk) == snapshots.RECOMPUTED

    snapshot = StatsSnapshot.objects.get(campaign=campaign)
    assert snapshot.data_version == 2
    assert snapshot.computed_at is not None
    assert snapshot.figure_count == 1
    assert snapshots.snapshot_payload_statistics(snapshot) == compute_statistics(campaign).payload
    assert not snapshot.is_stale
    assert recomputes == [(campaign.pk, 2)]


@pytest.mark.django_db
def test_it_does_nothing_when_the_snapshot_is_already_fresh(recomputes):
    campaign = CampaignFactory()
    snapshots.recompute(campaign.pk)

    assert snapshots.recompute_once(campaign.pk) == snapshots.FRESH
    assert len(recomputes) == 1


@pytest.mark.django_db
def test_it_returns_quietly_when_the_campaign_is_gone():
    assert snapshots.recompute(987654) == snapshots.GONE


@pytest.mark.django_db
def test_it_enqueues_one_recompute_on_commit_and_none_on_rollback(
    django_capture_on_commit_callbacks,
):
    campaign = CampaignFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        campaign.mark_data_changed()
    assert len(callbacks) == 1
    assert Campaign.objects.get(pk=campaign.pk).data_version == 1

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                campaign.mark_data_changed()
                raise RuntimeError("the import failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Campaign.objects.get(pk=campaign.pk).data_version == 1


@pytest.mark.django_db
def test_it_lists_missing_and_stale_snapshots_for_the_sweep():
    fresh, stale, missing = CampaignFactory(), CampaignFactory(), CampaignFactory()
    snapshots.recompute(fresh.pk)
    snapshots.recompute(stale.pk)
    Campaign.objects.filter(pk=stale.pk).update(data_version=5)  # a change whose message was lost

    assert snapshots.stale_campaign_ids() == [stale.pk, missing.pk]
    assert snapshots.repair_stale() == 2
    assert snapshots.stale_campaign_ids() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_skips_while_another_run_holds_the_snapshot(recomputes):
    campaign = CampaignFactory()
    StatsSnapshot.objects.create(campaign=campaign)
    locked, release = threading.Event(), threading.Event()

    def other_run():
        try:
            with transaction.atomic():
                StatsSnapshot.objects.select_for_update().get(campaign=campaign)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        assert snapshots.recompute_once(campaign.pk) == snapshots.BUSY
    finally:
        release.set()
        thread.join()
    assert recomputes == []
    assert snapshots.recompute_once(campaign.pk) == snapshots.RECOMPUTED
