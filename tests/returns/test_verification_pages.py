"""Verifying from the request page and dismissing warnings: roles enforced, four eyes kept."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from returns.models import Figure, PlausibilityWarning
from tests.factories import FigureFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def foi_request(caseworker, administrator):
    foi_request = FOIRequestFactory()
    for age in ("3", "13"):
        FigureFactory(
            request=foi_request, breakdown="victim_age", category=age, entered_by=caseworker
        )
    FigureFactory(request=foi_request, entered_by=administrator)
    return foi_request


def post_verify(client, user, foi_request, figures=None):
    client.force_login(user)
    figures = foi_request.figures.all() if figures is None else figures
    return client.post(
        reverse("returns:verify_request_figures", args=[foi_request.pk]),
        {"figure": [figure.pk for figure in figures]},
        follow=True,
    )


def test_it_verifies_the_figures_shown_and_reports_what_it_left(client, administrator, foi_request):
    response = post_verify(client, administrator, foi_request)

    assert response.redirect_chain[0][0] == reverse(
        "admin:returns_foirequest_change", args=[foi_request.pk]
    )
    figures = Figure.objects.filter(request=foi_request)
    assert set(figures.filter(verified_by=administrator).values_list("category", flat=True)) == {
        "3",
        "13",
    }
    assert not figures.get(entered_by=administrator).is_verified
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "Northumbria Police: 2 verified; 1 left for another person: "
        "you entered, imported or changed them."
    ]


def test_it_verifies_only_the_figures_that_were_shown(client, verifier, foi_request):
    shown = foi_request.figures.filter(category="3")

    post_verify(client, verifier, foi_request, shown)

    assert list(
        Figure.objects.filter(verified_at__isnull=False).values_list("category", flat=True)
    ) == ["3"]


@pytest.mark.parametrize("persona", ["caseworker", "second_caseworker", "outsider"])
def test_it_refuses_people_who_are_not_verifiers(client, request, foi_request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        reverse("returns:verify_request_figures", args=[foi_request.pk]),
        {"figure": list(foi_request.figures.values_list("pk", flat=True))},
    )

    assert response.status_code == 403
    assert not Figure.objects.filter(verified_at__isnull=False).exists()


def test_it_only_verifies_on_a_post(client, verifier, foi_request):
    client.force_login(verifier)

    response = client.get(reverse("returns:verify_request_figures", args=[foi_request.pk]))

    assert response.status_code == 405


def test_it_sends_anonymous_visitors_to_the_login_page(client, foi_request):
    response = client.post(reverse("returns:verify_request_figures", args=[foi_request.pk]))

    assert response.status_code == 302 and "login" in response["Location"]
    assert not Figure.objects.filter(verified_at__isnull=False).exists()


def render_panel(user, foi_request):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load verification %}{% verify_panel foi_request %}")
    return template.render(Context({"request": request, "foi_request": foi_request}))


def test_it_shows_the_verifier_the_reply_figures_warnings_and_the_button(verifier, foi_request):
    figure = foi_request.figures.get(category="13")
    PlausibilityWarning.objects.create(figure=figure, code="jump", message="Up 300% on 2015/16")

    page = render_panel(verifier, foi_request)

    assert "Up 300% on 2015/16" in page
    assert "Verify 3 figures against the reply" in page
    assert reverse("returns:verify_request_figures", args=[foi_request.pk]) in page


def test_it_marks_the_figures_the_viewer_may_not_verify(administrator, foi_request):
    page = render_panel(administrator, foi_request)

    assert "not by you: you entered, imported or changed it" in page
    assert "Verify 2 figures against the reply" in page


def test_it_offers_no_button_to_caseworkers(caseworker, foi_request):
    assert "against the reply" not in render_panel(caseworker, foi_request)


# --- Dismissing plausibility warnings


@pytest.fixture
def warning(foi_request):
    figure = foi_request.figures.get(category="13")
    return PlausibilityWarning.objects.create(figure=figure, code="jump", message="Up 300%")


def dismiss(client, user, warning, reason):
    client.force_login(user)
    url = reverse("admin:returns_plausibilitywarning_dismiss", args=[warning.pk])
    return client.post(url, {"reason": reason})


def test_it_lets_a_verifier_dismiss_a_warning_with_a_reason(client, verifier, warning):
    response = dismiss(client, verifier, warning, "Force confirmed: a new online unit")

    warning.refresh_from_db()
    assert response.status_code == 302
    assert warning.dismissed_by == verifier
    assert warning.dismissal_reason == "Force confirmed: a new online unit"


def test_it_wants_a_reason_to_dismiss(client, verifier, warning):
    response = dismiss(client, verifier, warning, "  ")

    warning.refresh_from_db()
    assert response.status_code == 200 and response.context["form"].errors
    assert warning.dismissed_at is None


def test_it_refuses_dismissal_to_caseworkers(client, caseworker, warning):
    response = dismiss(client, caseworker, warning, "fine")

    warning.refresh_from_db()
    assert response.status_code == 403 and warning.dismissed_at is None


def test_it_leaves_a_warning_on_your_own_figure_for_someone_else(client, caseworker, warning):
    from returns.roles import VERIFIERS
    from tests.factories import UserFactory

    both = UserFactory(username="dual", roles=[VERIFIERS])
    warning.figure.entered_by = both
    warning.figure.save()

    response = dismiss(client, both, warning, "looks fine to me")

    warning.refresh_from_db()
    assert response.status_code == 302 and warning.dismissed_at is None


def test_it_lists_warnings_to_verifiers(client, verifier, warning):
    client.force_login(verifier)

    response = client.get(reverse("admin:returns_plausibilitywarning_changelist"))

    assert response.status_code == 200 and "Up 300%" in response.content.decode()


def test_it_asks_for_a_reason_on_a_page_that_leads_back_to_the_warnings(client, verifier, warning):
    client.force_login(verifier)
    url = reverse("admin:returns_plausibilitywarning_dismiss", args=[warning.pk])

    page = client.get(url).content.decode()

    assert "Dismiss 1 warning?" in page
    assert reverse("admin:returns_plausibilitywarning_changelist") in page  # the breadcrumbs
