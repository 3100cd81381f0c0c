"""The "Verify selected figures" action in the figures list: roles and four eyes."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from returns.models import Figure, PlausibilityWarning
from tests.factories import FigureFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:returns_figure_changelist"


@pytest.fixture
def figures(caseworker, administrator):
    foi_request = FOIRequestFactory()
    entered = [
        FigureFactory(request=foi_request, breakdown="victim_age", category=c, entered_by=who)
        for c, who in (("3", caseworker), ("10", caseworker), ("13", caseworker))
    ]
    entered += [
        FigureFactory(request=foi_request, breakdown="victim_age", category=c, entered_by=who)
        for c, who in (("14", administrator), ("15", administrator))
    ]
    return entered


def run_action(client, user, figures):
    """The action, then its confirmation page's "Yes" (issue 14: the action alone asks first)."""
    client.force_login(user)
    selected = {"action": "verify_selected_figures", ACTION_CHECKBOX_NAME: [f.pk for f in figures]}
    page = client.post(reverse(CHANGELIST), selected)
    token = re.search(r'name="selection" value="([0-9a-f]+)"', page.content.decode())
    confirmed = {"confirmed": "yes", "selection": token.group(1) if token else ""}
    return client.post(reverse(CHANGELIST), selected | confirmed, follow=True)


def test_it_verifies_others_figures_and_says_what_it_left(client, administrator, figures):
    response = run_action(client, administrator, figures)

    assert [str(m) for m in response.context["messages"]] == [
        "3 verified; 2 left for another person: you entered, imported or changed them."
    ]
    verified = Figure.objects.filter(verified_by=administrator)
    assert set(verified.values_list("category", flat=True)) == {"3", "10", "13"}


def test_it_lets_a_verifier_with_view_only_access_verify(client, verifier, figures):
    run_action(client, verifier, figures)

    assert Figure.objects.filter(verified_by=verifier).count() == 5


@pytest.mark.parametrize("persona", ["caseworker", "second_caseworker"])
def test_it_does_not_offer_the_action_to_caseworkers(client, request, figures, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    page = client.get(reverse(CHANGELIST))
    run_action(client, user, figures)

    assert "verify_selected_figures" not in page.content.decode()
    assert not Figure.objects.filter(verified_at__isnull=False).exists()


def test_it_refuses_outsiders_the_figures_list(client, outsider, figures):
    client.force_login(outsider)

    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_it_shows_open_warnings_beside_each_figure(client, verifier, figures):
    PlausibilityWarning.objects.create(figure=figures[0], code="jump", message="Up 300%")
    client.force_login(verifier)

    response = client.get(reverse(CHANGELIST))

    warnings_url = reverse("admin:returns_plausibilitywarning_changelist")
    assert f"{warnings_url}?figure__id__exact={figures[0].pk}" in response.content.decode()


def test_it_sends_a_verified_figure_edited_in_the_admin_back_to_unverified(
    client, administrator, figures, verifier
):
    from returns.verification import verify_figures

    figure = figures[0]
    verify_figures(verifier, [figure])
    client.force_login(administrator)
    change = reverse("admin:returns_figure_change", args=[figure.pk])
    form = client.get(change).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data["value"] = 99

    response = client.post(change, data)

    assert response.status_code == 302
    figure.refresh_from_db()
    assert (figure.value, figure.verified_at, figure.verified_by) == (99, None, None)
