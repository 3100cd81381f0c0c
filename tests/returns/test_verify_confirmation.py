"""Bulk "Verify selected figures" asks first (issue 14): the count, and each open plausibility
warning to acknowledge or dismiss with a reason; only the confirm verifies, four eyes kept."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from returns.admin.verification import ACKNOWLEDGED
from returns.models import Figure, PlausibilityWarning
from tests.factories import FigureFactory, FOIRequestFactory, force

pytestmark = pytest.mark.django_db


def changelist():
    return reverse("admin:returns_figure_changelist")


@pytest.fixture
def figures(caseworker, verifier):
    """Four figures the caseworker entered (one with a warning), one the verifier entered."""
    northumbria = FOIRequestFactory()
    durham = FOIRequestFactory(campaign=northumbria.campaign, force=force("Durham Constabulary"))
    entered = [
        FigureFactory(request=northumbria, period="2015/16", value=98, entered_by=caseworker),
        FigureFactory(request=northumbria, period="2016/17", value=323, entered_by=caseworker),
        FigureFactory(request=durham, period="2015/16", value=150, entered_by=caseworker),
        FigureFactory(request=durham, period="2016/17", value=1900, entered_by=caseworker),
        FigureFactory(
            request=durham, breakdown="victim_age", category="13", value=7, entered_by=verifier
        ),
    ]
    PlausibilityWarning.objects.create(
        figure=entered[3], code="jump", message="Up 1,167% on the previous year"
    )
    return entered


def select(figures, **extra):
    return {
        "action": "verify_selected_figures",
        ACTION_CHECKBOX_NAME: [f.pk for f in figures],
    } | extra


def confirm_page(client, figures):
    response = client.post(changelist(), select(figures, index="0"))  # as the list posts it
    assert response.status_code == 200
    return response


def confirmation(page_response, **decisions):
    """The confirm page's own hidden fields, plus the decisions given."""
    page = page_response.content.decode()
    token = re.search(r'name="selection" value="([0-9a-f]+)"', page).group(1)
    return {"confirmed": "yes", "selection": token, **decisions}


def verified():
    return set(Figure.objects.filter(verified_at__isnull=False).values_list("pk", flat=True))


def test_it_asks_first_with_the_count_and_the_open_warnings(client, verifier, figures):
    client.force_login(verifier)

    page = confirm_page(client, figures).content.decode()

    assert verified() == set()
    assert re.search(r"4 figures to verify\s+from 2 forces", page)
    assert "1 you entered, imported or changed is left for another person" in page
    assert "1 open plausibility warning" in page
    assert "Up 1,167% on the previous year" in page


def test_it_verifies_nothing_from_the_action_alone(client, verifier, figures):
    client.force_login(verifier)
    client.post(changelist(), select(figures))
    client.post(changelist(), select(figures, confirmed="no"))
    assert verified() == set()


def test_it_verifies_on_confirm_and_leaves_a_warned_figure_unverified(client, verifier, figures):
    client.force_login(verifier)
    page = confirm_page(client, figures)

    response = client.post(changelist(), select(figures, **confirmation(page)), follow=True)

    assert verified() == {f.pk for f in figures[:3]}
    assert [str(m) for m in response.context["messages"]] == [
        "3 verified; 1 left for another person: you entered, imported or changed them; "
        "1 left unverified with an open plausibility warning."
    ]
    assert PlausibilityWarning.objects.get().dismissed_at is None


def test_it_verifies_a_figure_once_its_warning_is_acknowledged(client, verifier, figures):
    client.force_login(verifier)
    page = confirm_page(client, figures)
    warning = PlausibilityWarning.objects.get()

    client.post(
        changelist(),
        select(figures, **confirmation(page, **{f"decision_{warning.pk}": "acknowledge"})),
    )

    assert verified() == {f.pk for f in figures[:4]}
    warning.refresh_from_db()
    assert warning.dismissed_by == verifier and warning.dismissal_reason == ACKNOWLEDGED


def test_it_verifies_a_figure_once_its_warning_is_dismissed_with_a_reason(
    client, verifier, figures
):
    client.force_login(verifier)
    page = confirm_page(client, figures)
    warning = PlausibilityWarning.objects.get()
    decisions = {f"decision_{warning.pk}": "dismiss", f"reason_{warning.pk}": "New unit, by phone"}

    client.post(changelist(), select(figures, **confirmation(page, **decisions)))

    assert figures[3].pk in verified()
    warning.refresh_from_db()
    assert warning.dismissal_reason == "New unit, by phone"


def test_it_verifies_nothing_when_a_dismissal_has_no_reason(client, verifier, figures):
    client.force_login(verifier)
    page = confirm_page(client, figures)
    warning = PlausibilityWarning.objects.get()

    response = client.post(
        changelist(),
        select(figures, **confirmation(page, **{f"decision_{warning.pk}": "dismiss"})),
    )

    assert response.status_code == 200
    assert "Give a reason for dismissing the warning." in response.content.decode()
    assert verified() == set()
    assert PlausibilityWarning.objects.get().dismissed_at is None


def test_it_verifies_nothing_when_a_warning_appeared_since_the_page(client, verifier, figures):
    client.force_login(verifier)
    page = confirm_page(client, figures)
    PlausibilityWarning.objects.create(figure=figures[0], code="zero", message="Was 0 last year")

    response = client.post(changelist(), select(figures, **confirmation(page)), follow=True)

    assert verified() == set()
    page = response.content.decode()
    assert "changed since you confirmed" in page and "Was 0 last year" in page


def test_it_keeps_four_eyes_on_the_confirm(client, administrator, figures):
    """An administrator may verify, but never what they entered."""
    own = FigureFactory(request=figures[0].request, period="2014/15", entered_by=administrator)
    client.force_login(administrator)
    chosen = [*figures[:3], own]
    page = confirm_page(client, chosen)

    client.post(changelist(), select(chosen, **confirmation(page)))

    assert verified() == {f.pk for f in figures[:3]}
    assert "left for another person" in page.content.decode()


def test_it_says_when_there_is_nothing_to_verify(client, verifier, figures):
    client.force_login(verifier)
    mine = [figures[4]]

    response = client.post(changelist(), select(mine), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Nothing to verify: 1 you entered, imported or changed."
    ]
    assert verified() == set()


def test_it_confirms_every_figure_matching_when_all_are_selected(client, verifier, figures):
    client.force_login(verifier)
    across = {"select_across": "1", "index": "0"}
    page = client.post(changelist(), select(figures[:1], **across))
    assert re.search(r"4 figures to verify", page.content.decode())

    client.post(changelist(), select(figures[:1], select_across="1", **confirmation(page)))

    assert verified() == {f.pk for f in figures[:3]}
