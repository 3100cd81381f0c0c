"""A request that did not arrive (a delivery failure) is sent again from its page, over the real
SMTP server, once staff have corrected the force's address."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from returns.models import Correspondence, FOIRequest
from tests.factories import FOIRequestFactory, force

pytestmark = pytest.mark.django_db


@pytest.fixture
def bounced():
    gwent = force("Gwent Police")
    gwent.foi_email = "freedomofinformation@gwent.police.uk"  # corrected after the bounce
    gwent.save()
    return FOIRequestFactory(
        force=gwent,
        status=FOIRequest.Status.AWAITING,
        sent_on=date(2026, 9, 1),
        received_on=date(2026, 9, 1),
        not_delivered_on=date(2026, 9, 1),
    )


def send_again_url(foi_request):
    return reverse("admin:returns_foirequest_send_again", args=[foi_request.pk])


def test_it_sends_a_bounced_request_again_and_counts_from_today(
    client, caseworker, bounced, smtp_server
):
    client.force_login(caseworker)
    page = client.get(reverse("admin:returns_foirequest_change", args=[bounced.pk]))
    assert send_again_url(bounced) in page.content.decode()

    response = client.post(send_again_url(bounced), {"confirm": "on"})

    assert response.status_code == 302
    [email] = smtp_server.to("freedomofinformation@gwent.police.uk")
    assert bounced.our_reference in email["Subject"]
    bounced.refresh_from_db()
    today = timezone.localdate()
    assert (bounced.not_delivered_on, bounced.sent_on, bounced.received_on) == (None, today, today)
    again = bounced.correspondence.get(kind=Correspondence.Kind.REQUEST)
    assert again.state == Correspondence.State.SENT and again.message_id


def test_it_asks_before_sending_again(client, caseworker, bounced, smtp_server):
    client.force_login(caseworker)

    page = client.get(send_again_url(bounced)).content.decode()
    unconfirmed = client.post(send_again_url(bounced), {})

    assert "Send the request to freedomofinformation@gwent.police.uk again" in page
    assert unconfirmed.status_code == 200 and smtp_server.messages() == []


def test_it_sends_again_only_a_request_that_did_not_arrive(client, caseworker, smtp_server):
    delivered = FOIRequestFactory(force=force("Gwent Police"), status=FOIRequest.Status.AWAITING)
    client.force_login(caseworker)

    response = client.post(send_again_url(delivered), {"confirm": "on"}, follow=True)

    assert "not flagged as not delivered" in response.content.decode()
    assert smtp_server.messages() == []


def test_it_lets_only_staff_who_may_change_requests_send_again(client, outsider, bounced):
    client.force_login(outsider)

    assert client.post(send_again_url(bounced), {"confirm": "on"}).status_code == 403
