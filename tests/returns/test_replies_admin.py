"""The forces' emails in the admin: Unmatched replies, filing in one click, the upload of a
forwarded .eml, confirming a reply's kind on the request page, and who may do what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from returns.models import FOIRequest, InboundMessage
from returns.replies import classify
from returns.replies.store import ingest
from tests.returns.replies_helpers import raw_email, round_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_it_lists_unmatched_replies_and_files_one_in_one_click(client, caseworker, round_):
    message = ingest(raw_email("28_unmatched_unknown_sender.eml", round_), "mailbox").message
    filed = ingest(raw_email("01_acknowledgement_our_ref.eml", round_), "mailbox").message
    client.force_login(caseworker)

    listing = client.get(reverse("admin:returns_unmatchedreply_changelist"))
    assert message.subject in listing.text and filed.subject not in listing.text
    page = client.get(reverse("admin:returns_unmatchedreply_change", args=[message.pk]))
    assert "Or our reference" in page.text

    response = client.post(
        reverse("admin:returns_unmatchedreply_file", args=[message.pk]),
        {"reference": round_.durham.our_reference},
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.request == round_.durham and message.matched_by == "staff"
    assert message.correspondence.request == round_.durham


def test_it_offers_the_likely_requests_as_buttons(client, caseworker, round_):
    raw = (
        "From: someone@durham.police.uk\r\nSubject: Your request\r\nMessage-ID: <x-1@x>\r\n\r\n"
        f"About {round_.northumbria.our_reference}.\r\n"
    ).encode()
    from tests.factories import FOIRequestFactory

    FOIRequestFactory(force=round_.durham.force)  # two open Durham requests: not certain
    message = ingest(raw, "file").message
    client.force_login(caseworker)

    page = client.get(reverse("admin:returns_unmatchedreply_change", args=[message.pk]))

    assert f"File under {round_.northumbria.our_reference}" in page.text
    assert f"File under {round_.durham.our_reference}" in page.text


def test_it_takes_in_an_uploaded_forwarded_email(client, caseworker, round_):
    client.force_login(caseworker)
    upload = SimpleUploadedFile("reply.eml", raw_email("18_forwarded_in_body.eml", round_))

    response = client.post(reverse("admin:returns_inboundmessage_upload"), {"email": upload})

    assert response.status_code == 302
    message = InboundMessage.objects.get()
    assert (message.source, message.request, message.matched_by) == (
        "upload",
        round_.durham,
        "subject",
    )


def test_it_shows_the_request_as_a_conversation_and_confirms_in_one_click(
    client, caseworker, round_
):
    row = ingest(raw_email("20_html_only_with_script.eml", round_), "mailbox").message
    client.force_login(caseworker)
    url = reverse("admin:returns_foirequest_change", args=[round_.northumbria.pk])

    page = client.get(url)

    assert "Chasing is paused" in page.text
    assert "Please find our response below." in page.text
    assert "<script>alert" not in page.text and "alert(&#x27;x&#x27;)" not in page.text
    assert row.raw.url in page.text

    client.post(
        reverse("admin:returns_correspondence_confirm_kind", args=[row.correspondence.pk]),
        {"kind": "response"},
    )

    request = FOIRequest.objects.get(pk=round_.northumbria.pk)
    assert request.status == "answered" and request.responded_on is not None


def test_it_confirms_the_suggested_kind_when_the_browser_also_sends_the_empty_list(
    client, caseworker, round_
):
    # A browser submits the Confirm button's kind and the unpicked "change to" list's "".
    row = ingest(raw_email("12_response_xlsx.eml", round_), "mailbox").message.correspondence
    client.force_login(caseworker)
    url = reverse("admin:returns_correspondence_confirm_kind", args=[row.pk])

    page = client.post(url, {"kind": [row.kind, ""]}, follow=True)

    assert f"Confirmed as {classify.LABELS[row.kind]}." in page.text
    row.refresh_from_db()
    assert row.kind_confirmed


def test_it_takes_the_kind_picked_in_the_list_over_the_suggested_one(client, caseworker, round_):
    row = ingest(raw_email("12_response_xlsx.eml", round_), "mailbox").message.correspondence
    client.force_login(caseworker)
    url = reverse("admin:returns_correspondence_confirm_kind", args=[row.pk])

    client.post(url, {"kind": [row.kind, "other"]})

    row.refresh_from_db()
    assert (row.kind, row.kind_confirmed) == ("other", True)


def test_it_filters_received_emails_by_the_kinds_a_reply_can_be_suggested_as(
    client, caseworker, round_
):
    ingest(raw_email("12_response_xlsx.eml", round_), "mailbox")
    ingest(raw_email("01_acknowledgement_our_ref.eml", round_), "mailbox")
    client.force_login(caseworker)
    url = reverse("admin:returns_inboundmessage_changelist")

    listing = client.get(url).text
    responses = client.get(url, {"suggested_kind": "response"})

    assert "?suggested_kind=bounce" in listing and "Second chaser" not in listing
    assert [m.suggested_kind for m in responses.context["cl"].result_list] == ["response"]


def test_it_links_each_list_of_received_emails_to_the_other(client, caseworker):
    client.force_login(caseworker)
    received = reverse("admin:returns_inboundmessage_changelist")
    unmatched = reverse("admin:returns_unmatchedreply_changelist")

    assert f'href="{unmatched}">Unmatched replies' in client.get(received).text
    page = client.get(unmatched).text
    assert f'href="{received}">All received emails' in page
    assert f'href="{unmatched}">Unmatched replies' not in page


def test_it_says_how_to_set_up_the_mailbox(client, caseworker, settings):
    settings.IMAP_HOST = ""
    client.force_login(caseworker)

    page = client.get(reverse("admin:returns_inboundmessage_changelist"))

    assert "No mailbox is set up yet" in page.text and "IMAP_HOST" in page.text


def test_it_serves_raw_messages_only_to_staff_allowed_to_see_them(
    client, caseworker, outsider, round_
):
    message = ingest(raw_email("12_response_xlsx.eml", round_), "mailbox").message
    attachment = message.attachments.get()

    client.force_login(outsider)
    assert client.get(message.raw.url).status_code == 403
    assert client.get(attachment.file.url).status_code == 403
    client.force_login(caseworker)
    download = client.get(attachment.file.url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_it_lets_no_one_outside_the_roles_file_or_confirm(client, outsider, verifier, round_):
    message = ingest(raw_email("28_unmatched_unknown_sender.eml", round_), "mailbox").message
    row = ingest(raw_email("12_response_xlsx.eml", round_), "mailbox").message.correspondence
    for user in (outsider, verifier):
        client.force_login(user)
        filing = client.post(
            reverse("admin:returns_unmatchedreply_file", args=[message.pk]),
            {"request": round_.durham.pk},
        )
        confirming = client.post(
            reverse("admin:returns_correspondence_confirm_kind", args=[row.pk]),
            {"kind": "response"},
        )
        assert (filing.status_code, confirming.status_code) == (403, 403)
    assert InboundMessage.objects.get(pk=message.pk).correspondence is None
