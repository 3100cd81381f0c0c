"""Verifying figures: four eyes, history sees it, the campaign hears of it once."""

import pytest
from django.utils import timezone

from returns.models import Campaign, Figure, ImportBatch
from returns.verification import (
    CHANGED_WHILE_CHECKING,
    OWN,
    can_verify,
    summary,
    verify_figures,
)
from tests.factories import FigureFactory, FOIRequestFactory, force

pytestmark = pytest.mark.django_db


def test_it_verifies_figures_someone_else_entered(caseworker, verifier):
    figure = FigureFactory(entered_by=caseworker)

    verified, refused = verify_figures(verifier, [figure])

    figure.refresh_from_db()
    assert (verified, refused) == ([figure], [])
    assert figure.verified_by == verifier
    assert figure.verified_at is not None


def test_it_refuses_to_let_anyone_verify_their_own_entry(administrator):
    figure = FigureFactory(entered_by=administrator)

    verified, refused = verify_figures(administrator, [figure])

    figure.refresh_from_db()
    assert verified == []
    assert [(f.pk, f.refusal) for f in refused] == [(figure.pk, OWN)]
    assert not figure.is_verified
    assert not can_verify(administrator, figure)


def test_it_refuses_the_person_who_uploaded_the_import(caseworker, verifier, administrator):
    request = FOIRequestFactory()
    batch = ImportBatch.objects.create(campaign=request.campaign, uploaded_by=administrator)
    figure = FigureFactory(request=request, entered_by=caseworker, import_batch=batch)

    assert not can_verify(administrator, figure)
    assert can_verify(verifier, figure)


def test_it_refuses_anyone_who_changed_the_figure_after_it_was_entered(
    caseworker, administrator, verifier
):
    figure = FigureFactory(entered_by=caseworker, value=10)
    figure = Figure.objects.get(pk=figure.pk)
    figure.value = 12
    figure._history_user = administrator
    figure.save()

    verified, refused = verify_figures(administrator, [figure])

    assert verified == [] and refused[0].refusal == OWN
    assert can_verify(verifier, figure)


def test_it_lets_a_second_person_verify_a_figure_with_no_recorded_enterer(verifier, caseworker):
    figure = FigureFactory(entered_by=None)
    assert can_verify(caseworker, figure)

    verified, refused = verify_figures(verifier, [figure])

    assert [f.pk for f in verified] == [figure.pk] and refused == []
    assert summary(verified, refused) == (
        "1 verified (1 with no named enterer: imported without --user)"
    )


def test_it_leaves_figures_already_verified_as_they_were(caseworker, verifier, administrator):
    figure = FigureFactory(entered_by=caseworker)
    verify_figures(verifier, [figure])
    first = Figure.objects.get(pk=figure.pk)

    verified, refused = verify_figures(administrator, [first])

    assert (verified, refused) == ([], [])
    assert Figure.objects.get(pk=figure.pk).verified_by == verifier


def test_it_records_the_verification_in_the_history_as_the_verifier(caseworker, verifier):
    figure = FigureFactory(entered_by=caseworker)

    verify_figures(verifier, [figure])

    latest = figure.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == verifier
    assert latest.verified_by_id == verifier.pk
    assert latest.history_change_reason == "Verified"


def test_it_does_not_count_the_verifier_as_an_author_afterwards(caseworker, verifier):
    figure = FigureFactory(entered_by=caseworker)
    verify_figures(verifier, [figure])
    figure = Figure.objects.get(pk=figure.pk)
    figure.value = 11
    figure._history_user = caseworker
    figure.save()

    assert can_verify(verifier, figure)


def test_it_tells_each_campaign_touched_that_its_data_changed_once(caseworker, verifier):
    north = FOIRequestFactory()
    durham = FOIRequestFactory(campaign=north.campaign, force=force("Durham Constabulary"))
    figures = [
        FigureFactory(request=north, entered_by=caseworker),
        FigureFactory(request=durham, entered_by=caseworker),
    ]
    before = Campaign.objects.get(pk=north.campaign.pk).data_version

    verify_figures(verifier, figures)

    assert Campaign.objects.get(pk=north.campaign.pk).data_version == before + 1


def test_it_does_not_touch_the_campaign_when_nothing_was_verified(caseworker):
    figure = FigureFactory(entered_by=caseworker)
    before = Campaign.objects.get(pk=figure.request.campaign.pk).data_version

    verify_figures(caseworker, [figure])

    assert Campaign.objects.get(pk=figure.request.campaign.pk).data_version == before


def test_it_sums_up_what_it_did_and_why_it_left_figures(caseworker, verifier):
    mine = [FigureFactory(entered_by=verifier, category=str(age)) for age in (1, 2)]
    others = [FigureFactory(entered_by=caseworker, category=str(age)) for age in (3, 4, 5)]
    unknown = FigureFactory(entered_by=None, category="6")

    verified, refused = verify_figures(verifier, [*mine, *others, unknown])

    assert summary(verified, refused) == (
        "4 verified (1 with no named enterer: imported without --user); "
        "2 left for another person: you entered, imported or changed them"
    )


def test_it_keeps_verification_stamped_now(caseworker, verifier):
    before = timezone.now()
    figure = FigureFactory(entered_by=caseworker)

    verify_figures(verifier, [figure])

    figure.refresh_from_db()
    assert before <= figure.verified_at <= timezone.now()


def test_it_does_not_verify_a_figure_changed_since_it_was_loaded(caseworker, verifier):
    shown = Figure.objects.get(pk=FigureFactory(entered_by=caseworker, value=98).pk)
    Figure.objects.filter(pk=shown.pk).update(value=323)  # someone else, meanwhile

    verified, refused = verify_figures(verifier, [shown])

    assert verified == [] and refused[0].refusal == CHANGED_WHILE_CHECKING
    assert not Figure.objects.get(pk=shown.pk).is_verified
