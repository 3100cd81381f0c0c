"""Replies that are not one force answering one request: one email answering two of our
requests, a plain-text bounce quoting the message it returns, a bounce of a chase letter."""

import pytest

from returns.models import Correspondence, FOIRequest
from returns.replies.store import ingest
from tests.factories import CampaignFactory, FOIRequestFactory, force

pytestmark = pytest.mark.django_db


def sent(request, kind, message_id):
    return Correspondence.objects.create(
        request=request,
        direction=Correspondence.Direction.OUT,
        kind=kind,
        date=request.sent_on,
        message_id=message_id,
    )


def test_it_notes_the_other_request_an_email_answering_two_names():
    gwent = force("Gwent Police")
    first, second = (FOIRequestFactory(campaign=CampaignFactory(), force=gwent) for _ in "12")
    raw = (
        f"From: foi@gwent.police.uk\r\nMessage-ID: <two@gwent.police.uk>\r\n"
        f"Subject: RE: Freedom of Information requests [{first.our_reference}] and "
        f"[{second.our_reference}]\r\n\r\nPlease find attached our response to both requests.\r\n"
    ).encode()

    message = ingest(raw, "file").message

    assert message.request == first
    assert second.our_reference in message.match_note
    assert second.our_reference in message.correspondence.needs_attention


def plain_bounce(message_id, subject):
    return (
        "From: MAILER-DAEMON@mail.charity.example (Mail Delivery System)\r\n"
        "To: foi@charity.example\r\nMessage-ID: <bounce-1@mail.charity.example>\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n\r\n"
        "This is the mail system at host mail.charity.example.\r\n\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients.\r\n\r\n"
        "<foi@gwent.police.uk>: host mx.gwent.police.uk said: 550 5.1.1 User unknown\r\n\r\n"
        "--- Original message headers ---\r\n"
        f"Message-ID: {message_id}\r\nSubject: {subject}\r\n"
    ).encode()


def test_it_files_a_plain_text_bounce_by_the_message_id_it_quotes():
    request = FOIRequestFactory(force=force("Gwent Police"))
    sent(request, Correspondence.Kind.REQUEST, "<request-gwnt@charity.example>")

    message = ingest(plain_bounce("<request-gwnt@charity.example>", "FOI request"), "file").message

    assert (message.request, message.matched_by, message.suggested_kind) == (
        request,
        "thread",
        "bounce",
    )
    assert FOIRequest.objects.get(pk=request.pk).not_delivered_on is not None


def test_it_keeps_the_requests_clock_when_only_a_chase_letter_bounced():
    request = FOIRequestFactory(force=force("Gwent Police"))
    sent(request, Correspondence.Kind.REQUEST, "<request-gwnt@charity.example>")
    sent(request, Correspondence.Kind.INTERNAL_REVIEW, "<review-gwnt@charity.example>")

    message = ingest(plain_bounce("<review-gwnt@charity.example>", "Review"), "file").message

    assert message.request == request
    assert FOIRequest.objects.get(pk=request.pk).not_delivered_on is None
    assert "internal review" in message.correspondence.needs_attention.lower()
