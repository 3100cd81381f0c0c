"""Through a real worker on Redis: one recompute per import or burst, and the repair sweep."""

import time

import pytest

from returns import snapshots, tasks
from returns.importing.service import import_long
from returns.models import Campaign, Figure, StatsSnapshot
from returns.verification import verify_figures
from tests.factories import CampaignFactory, FOIRequestFactory
from tests.returns.statistics_fixtures import england_and_wales_forces

pytestmark = pytest.mark.worker
SETTLE_SECONDS = snapshots.RECOMPUTE_DELAY_SECONDS + 3


def wait_until_fresh(campaign, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snapshot = StatsSnapshot.objects.filter(campaign=campaign).first()
        if snapshot and not snapshot.is_stale:
            return snapshot
        time.sleep(0.2)
    pytest.fail("The snapshot was not brought up to date by the worker.")


def returns_file(campaign):
    """Every force asked: a headline total and 19 victim-age cells for each period."""
    lines = ["force,period,measure,breakdown,category,value,note"]
    for index, request in enumerate(campaign.requests.select_related("force")):
        for period in campaign.periods:
            lines.append(f"{request.force.name},{period},{campaign.measure},,,{100 + index},")
            for age in [*range(18), "Unknown"]:
                lines.append(
                    f"{request.force.name},{period},{campaign.measure},victim_age,{age},1,"
                )
    return "\n".join(lines).encode()


@pytest.fixture
def campaign(live_worker):
    campaign = CampaignFactory(periods=["2015/16", "2016/17"])
    for force in england_and_wales_forces():
        FOIRequestFactory(campaign=campaign, force=force)
    return campaign


def test_it_recomputes_once_for_an_import_and_once_for_its_verification(
    campaign, caseworker, verifier, recomputes
):
    outcome = import_long(campaign, returns_file(campaign), "returns.csv", user=caseworker)
    assert outcome.ok, outcome.problems
    assert Figure.objects.filter(request__campaign=campaign).count() == 43 * 2 * 20

    snapshot = wait_until_fresh(campaign)
    time.sleep(SETTLE_SECONDS)  # any second recompute would have run by now
    assert recomputes == [(campaign.pk, 1)]
    assert snapshot.payload["periods"][1]["total"] is None  # nothing verified yet

    verified, refused = verify_figures(verifier, Figure.objects.filter(request__campaign=campaign))
    assert (len(verified), refused) == (43 * 2 * 20, [])
    snapshot = wait_until_fresh(campaign)
    time.sleep(SETTLE_SECONDS)
    assert recomputes == [(campaign.pk, 1), (campaign.pk, 2)]
    assert snapshot.payload["periods"][1]["total"] == sum(100 + index for index in range(43))
    assert snapshot.figure_count == 43 * 2 * 20


def test_it_coalesces_a_burst_of_edits_into_one_recompute(campaign, recomputes):
    for _ in range(10):  # ten separate transactions, e.g. hand edits in the admin
        campaign.mark_data_changed()

    wait_until_fresh(campaign)
    time.sleep(SETTLE_SECONDS)
    assert recomputes == [(campaign.pk, 10)]


def test_it_repairs_a_stale_snapshot_from_the_beat_task(campaign, recomputes):
    # A change whose message was lost (a broker that was down): the version moved, no task ran.
    Campaign.objects.filter(pk=campaign.pk).update(data_version=7)
    assert StatsSnapshot.objects.filter(campaign=campaign).first() is None

    assert tasks.repair_stale_statistics.delay().get(timeout=30) == 1

    snapshot = StatsSnapshot.objects.get(campaign=campaign)
    assert (snapshot.data_version, snapshot.is_stale) == (7, False)
    assert recomputes == [(campaign.pk, 7)]
    assert tasks.repair_stale_statistics.delay().get(timeout=30) == 0
