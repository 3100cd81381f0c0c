"""verify_returns SLUG --user NAME: verifies what others entered and says what it left."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from returns.models import Figure
from returns.roles import VERIFIERS
from tests.factories import FigureFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_with_figures(caseworker, verifier):
    request = FOIRequestFactory()
    for age in ("3", "10", "13"):
        FigureFactory(request=request, breakdown="victim_age", category=age, entered_by=caseworker)
    FigureFactory(request=request, entered_by=verifier)
    return request


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("verify_returns", *args, stdout=out)
    return out.getvalue()


def test_it_verifies_what_others_entered_and_reports_what_it_left(request_with_figures, verifier):
    slug = request_with_figures.campaign.slug

    output = run(slug, "--user", verifier.username)

    figures = Figure.objects.filter(request=request_with_figures)
    assert set(figures.filter(verified_by=verifier).values_list("category", flat=True)) == {
        "3",
        "10",
        "13",
    }
    assert figures.get(entered_by=verifier).verified_at is None
    assert "3 verified; 1 left for another person" in output


def as_verifier_too(user):
    user.groups.add(Group.objects.get(name=VERIFIERS))
    return user


def test_it_refuses_an_account_without_the_verifier_role(request_with_figures, second_caseworker):
    with pytest.raises(CommandError, match="cass may not verify figures"):
        run(request_with_figures.campaign.slug, "--user", second_caseworker.username)

    assert not Figure.objects.filter(verified_at__isnull=False).exists()


def test_it_verifies_none_of_the_figures_the_user_entered(request_with_figures, caseworker):
    slug = request_with_figures.campaign.slug
    as_verifier_too(caseworker)

    output = run(slug, "--user", caseworker.username)

    assert "1 verified; 3 left for another person" in output
    assert not Figure.objects.filter(
        request=request_with_figures, entered_by=caseworker, verified_at__isnull=False
    ).exists()


def test_it_fails_clearly_on_an_unknown_user(request_with_figures):
    with pytest.raises(CommandError, match="No active user named 'nobody'"):
        run(request_with_figures.campaign.slug, "--user", "nobody")


def test_it_fails_clearly_on_an_unknown_campaign(verifier):
    with pytest.raises(CommandError, match="No campaign with slug 'nope'"):
        run("nope", "--user", verifier.username)
