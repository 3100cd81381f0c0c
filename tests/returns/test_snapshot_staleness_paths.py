"""Whatever changes figures, the statistics snapshot knows it is out of date, and the sweep
repairs it: the database records the change itself (FigureChange, written by triggers)."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from returns import snapshots
from returns.models import Campaign, Figure, FigureChange, StatsSnapshot
from returns.verification import verify_figures
from tests.factories import CampaignFactory, FigureFactory, FOIRequestFactory, force


@pytest.fixture
def campaign(caseworker, verifier):
    """A round with two verified headline totals (98 + 114) and an up-to-date snapshot."""
    campaign = CampaignFactory(periods=["2016/17"])
    figures = [
        FigureFactory(request__campaign=campaign, entered_by=caseworker, value=98),
        FigureFactory(
            request__campaign=campaign,
            request__force=force("West Mercia Police"),
            entered_by=caseworker,
            value=114,
        ),
    ]
    verify_figures(verifier, figures)
    snapshots.recompute(campaign.pk)
    assert not fresh_snapshot(campaign).is_stale
    return campaign


def fresh_snapshot(campaign):
    return StatsSnapshot.objects.select_related("campaign").get(campaign=campaign)


def stored_total(campaign):
    return fresh_snapshot(campaign).payload["periods"][0]["total"]


def assert_stale_then_repaired(campaign, expected_total):
    assert fresh_snapshot(campaign).is_stale
    assert campaign.pk in snapshots.stale_campaign_ids()
    snapshots.repair_stale()
    assert not fresh_snapshot(campaign).is_stale
    assert stored_total(campaign) == expected_total


def figure_of(campaign, value):
    return Figure.objects.get(request__campaign=campaign, value=value)


@pytest.mark.django_db
def test_it_is_stale_after_figures_are_deleted_with_the_admin_bulk_action(
    client, administrator, campaign
):
    client.force_login(administrator)
    figure = figure_of(campaign, 114)

    response = client.post(
        reverse("admin:returns_figure_changelist"),
        {"action": "delete_selected", "_selected_action": [figure.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Figure.objects.filter(pk=figure.pk).exists()
    assert_stale_then_repaired(campaign, expected_total=98)


@pytest.mark.django_db
def test_it_is_stale_after_a_history_revert_and_the_figure_is_unverified(
    client, second_caseworker, campaign
):
    figure = figure_of(campaign, 98)
    figure.history.update(value=170)  # an earlier release's number, as the history shows it
    old = figure.history.earliest()
    client.force_login(second_caseworker)

    page = reverse("admin:returns_figure_simple_history", args=[figure.pk, old.history_id])
    form = client.get(page).context["adminform"].form
    data = {
        name: ("" if form[name].value() is None else form[name].value()) for name in form.fields
    }
    response = client.post(page, data)

    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    reverted = Figure.objects.get(pk=figure.pk)
    assert (reverted.value, reverted.is_verified) == (170, False)
    # Unverified: it leaves the verified total until a second person checks it again.
    assert_stale_then_repaired(campaign, expected_total=114)


@pytest.mark.django_db
def test_it_is_stale_after_a_queryset_update_from_the_shell(campaign):
    Figure.objects.filter(request__campaign=campaign, value=114).update(value=213)

    assert_stale_then_repaired(campaign, expected_total=98 + 213)


@pytest.mark.django_db
def test_it_is_stale_after_a_raw_sql_edit(campaign):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE returns_figure SET value = 323 WHERE value = 98")

    assert_stale_then_repaired(campaign, expected_total=323 + 114)


@pytest.mark.django_db
def test_it_is_stale_after_a_figure_is_deleted_from_the_shell(campaign):
    figure_of(campaign, 98).delete()

    assert_stale_then_repaired(campaign, expected_total=114)


@pytest.mark.django_db
def test_it_is_stale_after_a_bulk_create(campaign, verifier):
    request = FOIRequestFactory(campaign=campaign, force=force("Durham Constabulary"))
    Figure.objects.bulk_create(
        [Figure(request=request, period="2016/17", measure=campaign.measure, value=190)]
    )
    verify_figures(verifier, list(Figure.objects.filter(value=190)))

    assert_stale_then_repaired(campaign, expected_total=98 + 114 + 190)


@pytest.mark.django_db
def test_it_leaves_other_campaigns_fresh(campaign):
    other = CampaignFactory()
    FigureFactory(request__campaign=other)

    assert not fresh_snapshot(campaign).is_stale
    assert campaign.pk not in snapshots.stale_campaign_ids()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_committed_during_a_recompute_keeps_the_snapshot_stale(
    monkeypatch, caseworker, verifier
):
    campaign = CampaignFactory(periods=["2016/17"])
    figure = FigureFactory(request__campaign=campaign, entered_by=caseworker, value=98)
    verify_figures(verifier, [figure])
    real_compute = snapshots.compute_statistics

    def compute_while_someone_edits(campaign):
        statistics = real_compute(campaign)

        def edit():
            try:
                Figure.objects.filter(pk=figure.pk).update(note="restated")
            finally:
                connection.close()

        thread = threading.Thread(target=edit)
        thread.start()
        thread.join()
        return statistics

    monkeypatch.setattr(snapshots, "compute_statistics", compute_while_someone_edits)
    assert snapshots.recompute_once(campaign.pk) == snapshots.RECOMPUTED

    assert fresh_snapshot(campaign).is_stale
    assert FigureChange.of_campaign(campaign.pk).count() == 1


@pytest.mark.django_db
def test_a_request_with_figures_cannot_change_force_or_campaign(campaign):
    from django.core.exceptions import ValidationError

    request = figure_of(campaign, 98).request
    request.force = force("Durham Constabulary")
    with pytest.raises(ValidationError, match="already has figures"):
        request.save()

    request = figure_of(campaign, 98).request
    request.campaign = CampaignFactory()
    with pytest.raises(ValidationError, match="cannot change"):
        request.full_clean()


@pytest.mark.django_db
def test_a_request_without_figures_can_still_be_corrected():
    request = FOIRequestFactory()
    request.force = force("Durham Constabulary")
    request.save()

    assert request.force.name == "Durham Constabulary"


@pytest.mark.django_db
def test_the_request_page_shows_force_and_campaign_read_only_once_it_has_figures(
    client, caseworker, campaign
):
    request = figure_of(campaign, 98).request
    client.force_login(caseworker)
    page = reverse("admin:returns_foirequest_change", args=[request.pk])

    form = client.get(page).context["adminform"].form
    assert "force" not in form.fields and "campaign" not in form.fields

    from tests.returns.test_verification_edit import formset_post_data

    data = formset_post_data(client.get(page))
    data["force"] = force("Durham Constabulary").pk  # a forged field
    client.post(page, data)
    assert request.__class__.objects.get(pk=request.pk).force.name == "Northumbria Police"


@pytest.mark.django_db
def test_an_import_batch_cannot_be_deleted_while_its_figures_are_kept(client, administrator):
    from django.db.models import ProtectedError

    from returns.models import ImportBatch

    figure = FigureFactory()
    batch = ImportBatch.objects.create(campaign=figure.request.campaign, original_name="a.csv")
    Figure.objects.filter(pk=figure.pk).update(import_batch=batch)

    client.force_login(administrator)
    response = client.post(
        reverse("admin:returns_importbatch_delete", args=[batch.pk]), {"post": "yes"}
    )
    assert response.status_code == 200
    assert b"protected" in response.content.lower()
    with pytest.raises(ProtectedError):
        batch.delete()
    assert Figure.objects.get(pk=figure.pk).import_batch == batch


@pytest.mark.django_db
def test_an_account_that_entered_or_verified_figures_cannot_be_deleted(campaign, caseworker):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        caseworker.delete()
    assert Figure.objects.filter(entered_by=caseworker).count() == 2


@pytest.mark.django_db
def test_existing_data_is_recomputed_once_after_upgrading(campaign):
    """The migration that adds the triggers marks every campaign with figures as changed."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("returns.migrations.0003_figure_changes")
    FigureChange.objects.all().delete()

    migration.mark_existing_campaigns_changed(apps, None)

    changed = FigureChange.objects.values_list("request__campaign_id", flat=True)
    assert list(changed) == [campaign.pk, campaign.pk]  # one row per request with figures
    assert Campaign.objects.get(pk=campaign.pk).snapshot.is_stale


@pytest.mark.django_db
def test_it_is_stale_after_the_campaigns_measure_changes(campaign):
    campaign.measure = "online_child_sexual_offences_v2"
    campaign.save()

    assert fresh_snapshot(campaign).is_stale
    snapshots.repair_stale()
    assert stored_total(campaign) is None  # no figure of the new measure yet


@pytest.mark.django_db
def test_it_is_stale_after_a_request_is_added_or_removed(campaign):
    added = FOIRequestFactory(campaign=campaign, force=force("Durham Constabulary"))

    assert fresh_snapshot(campaign).is_stale
    snapshots.repair_stale()
    assert fresh_snapshot(campaign).payload["periods"][0]["forces_asked"] == 3

    added.delete()
    assert fresh_snapshot(campaign).is_stale
    snapshots.repair_stale()
    assert fresh_snapshot(campaign).payload["periods"][0]["forces_asked"] == 2


@pytest.mark.django_db
def test_saving_a_campaign_unchanged_leaves_its_statistics_fresh(campaign):
    Campaign.objects.get(pk=campaign.pk).save()

    assert not fresh_snapshot(campaign).is_stale


@pytest.mark.django_db
def test_saving_a_campaign_loaded_earlier_never_writes_back_an_older_data_version(campaign):
    loaded_earlier = Campaign.objects.get(pk=campaign.pk)
    campaign.mark_data_changed()  # e.g. an import meanwhile
    version = Campaign.objects.get(pk=campaign.pk).data_version

    loaded_earlier.title = "Renamed"
    loaded_earlier.save()

    assert Campaign.objects.get(pk=campaign.pk).data_version == version
    assert fresh_snapshot(campaign).is_stale
