"""Every 403 says why (the permission and the roles that hold it, when known) and links back."""

import pytest
from django.urls import reverse

from returns import roles
from tests.factories import FOIRequestFactory


def test_it_names_the_roles_that_hold_a_permission():
    assert roles.roles_holding(roles.RECORD_RESPONSES) == [roles.CASEWORKERS, roles.ADMINISTRATORS]
    assert roles.roles_holding(roles.VERIFY_FIGURES) == [roles.VERIFIERS, roles.ADMINISTRATORS]
    assert roles.roles_holding("auth.change_group") == []


@pytest.mark.django_db
def test_it_says_why_a_verifier_cannot_record_a_response_and_links_back(client, verifier):
    foi_request = FOIRequestFactory()
    request_page = "http://testserver" + reverse(
        "admin:returns_foirequest_change", args=[foi_request.pk]
    )
    client.force_login(verifier)

    response = client.get(
        reverse("admin:returns_foirequest_record_response", args=[foi_request.pk]),
        HTTP_REFERER=request_page,
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert (
        "Recording a response needs the permission “Can change FOI request” "
        "(returns.change_foirequest), which Caseworkers and Administrators have." in page
    )
    assert "You are signed in as <strong>vera</strong> (Data verifiers)" in page
    assert f'<a href="{request_page}" id="back-link">' in page
    assert f'<a href="{reverse("admin:index")}" id="home-link">' in page
    assert "FOI Returns" in page  # the admin's own header, not a bare page


@pytest.mark.django_db
def test_it_says_which_permission_an_admin_page_needs(client, verifier):
    client.force_login(verifier)

    response = client.get(reverse("admin:returns_campaign_add"))

    assert response.status_code == 403
    assert (
        "This page needs the permission “Can add campaign” (returns.add_campaign), which "
        "Caseworkers and Administrators have." in response.content.decode()
    )


@pytest.mark.django_db
def test_it_says_which_permission_a_staff_page_needs(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("returns:overdue_board"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "“Can view FOI request” (returns.view_foirequest)" in page
    assert "Caseworkers, Data verifiers and Administrators have" in page
    assert "You are signed in as <strong>olly</strong>, in no staff role" in page


@pytest.mark.django_db
def test_it_never_links_back_to_another_site(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("returns:overdue_board"), HTTP_REFERER="https://evil.example/")

    page = response.content.decode()
    assert "evil.example" not in page and 'id="back-link"' not in page
    assert 'id="home-link"' in page
