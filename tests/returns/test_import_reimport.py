"""Re-importing: the same file changes nothing; a corrected file changes only what changed."""

import pytest
from django.utils import timezone

from returns.importing.service import import_long
from returns.models import Campaign, Figure, ImportBatch
from tests.returns.files.helpers import HERE, csv_bytes, make_campaign

pytestmark = pytest.mark.django_db
CLEAN = (HERE / "clean_long.csv").read_bytes()


def snapshot():
    return list(Figure.objects.order_by("pk").values())


def test_it_changes_nothing_when_the_same_file_comes_again(caseworker, second_caseworker):
    campaign = make_campaign()
    import_long(campaign, CLEAN, "r.csv", caseworker)
    before, history = snapshot(), Figure.history.count()
    version = Campaign.objects.get(pk=campaign.pk).data_version

    outcome = import_long(campaign, CLEAN, "r.csv", second_caseworker)

    assert (outcome.summary.created, outcome.summary.updated, outcome.summary.unchanged) == (
        0,
        0,
        9,
    )
    assert snapshot() == before
    assert Figure.history.count() == history
    assert ImportBatch.objects.count() == 1
    assert Campaign.objects.get(pk=campaign.pk).data_version == version


def test_it_updates_only_the_corrected_figure_and_unverifies_it(caseworker, verifier):
    campaign = make_campaign()
    import_long(campaign, CLEAN, "r.csv", caseworker)
    Figure.objects.update(verified_by=verifier, verified_at=timezone.now())
    version = Campaign.objects.get(pk=campaign.pk).data_version
    corrected = CLEAN.replace(b"Durham Constabulary,2016/17,,,,190,", b"Durham,2016/17,,,,191,")

    outcome = import_long(campaign, corrected, "r-corrected.csv", caseworker)

    assert (outcome.summary.created, outcome.summary.updated, outcome.summary.unchanged) == (
        0,
        1,
        8,
    )
    changed = Figure.objects.get(value=191)
    assert (changed.verified_at, changed.verified_by) == (None, None)
    assert changed.import_batch.original_name == "r-corrected.csv"
    assert Figure.objects.filter(verified_at__isnull=False).count() == 8
    assert list(changed.history.values_list("value", "history_type", "history_user")) == [
        (191, "~", caseworker.pk),
        (190, "+", caseworker.pk),
    ]
    assert Campaign.objects.get(pk=campaign.pk).data_version == version + 1


def test_it_adds_new_rows_beside_existing_ones_without_duplicates(caseworker):
    campaign = make_campaign()
    import_long(campaign, CLEAN, "r.csv", caseworker)

    outcome = import_long(campaign, csv_bytes("Durham,2016/17,,victim_age,13,7,"), "more.csv")

    assert outcome.summary.created == 1
    assert Figure.objects.count() == 10
