"""Working through Unmatched replies: suggestions weighed against the email's date and the years
it names, setting aside what is not a force's reply (and bringing it back), a received email's
page that only shows, a list that fits a laptop, and a forward matched by its quoted sender."""

from datetime import date
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from returns.models import Correspondence, InboundMessage
from returns.periods import periods_named
from returns.replies import match
from returns.replies.store import file_under, ingest
from tests.factories import CampaignFactory, FOIRequestFactory, force
from tests.returns.replies_helpers import raw_email, round_fixture  # noqa: F401

REAL = Path(__file__).resolve().parent / "files" / "emails" / "real"


def email(sender, subject, body, *, date_header="Mon, 12 Oct 2026 10:15:00 +0100", mid="x-1"):
    return (
        f"From: {sender}\r\nTo: foi@charity.example\r\nSubject: {subject}\r\n"
        f"Date: {date_header}\r\nMessage-ID: <{mid}@example>\r\n\r\n{body}\r\n"
    ).encode()


def request_for(periods, sent_on, name="Dyfed-Powys Police"):
    return FOIRequestFactory(
        campaign=CampaignFactory(periods=periods),
        force=force(name),
        sent_on=sent_on,
        received_on=sent_on,
    )


# --- Suggestions ---------------------------------------------------------------------------


def test_it_finds_the_financial_years_an_email_names_and_not_its_dates():
    assert periods_named("Figures for 2022/23 and 2023-2024 (FY 2019–20).") == [
        "2019/20",
        "2022/23",
        "2023/24",
    ]
    assert periods_named("Dated 12/10/2026, 2026-10-12 and 2010-11-05; ref 001234/17") == []


@pytest.mark.django_db
def test_it_ranks_a_request_sent_after_the_reply_last_and_the_one_asking_for_its_years_first():
    asked = request_for(["2022/23", "2023/24"], date(2026, 9, 1))
    later = request_for(["2023/24", "2024/25"], date(2026, 11, 28))
    raw = email(
        "Disclosure Unit <foi@dyfed-powys.police.uk>",
        "Freedom of Information response",
        "Please find below the figures for 2022/23 and 2023/24.",
    )
    message = ingest(raw, "file").message
    assert message.correspondence is None  # two open requests: not certain

    ranked = match.suggestions(message)

    assert [entry.request for entry in ranked] == [asked, later]
    first, last = ranked
    assert "asks for 2022/23 and 2023/24: the years the email names" in first.reasons
    assert "sent 1 Sep 2026, 41 days before this email, due 29 Sep 2026" in first.reasons
    assert last.cannot_answer
    assert (
        "sent 28 Nov 2026, after this email of 12 Oct 2026: it cannot be what it answers"
        in last.reasons
    )
    assert "asks for 2023/24 and 2024/25: the email names 2023/24 of them" in last.reasons
    assert first.reasons != last.reasons


@pytest.mark.django_db
def test_it_prefers_the_request_whose_years_the_reply_names_over_the_later_one():
    asked = request_for(["2022/23", "2023/24"], date(2026, 3, 2))
    other = request_for(["2018/19", "2019/20"], date(2026, 6, 1))
    raw = email("foi@dyfed-powys.police.uk", "Your request", "Our figures for 2022/23 and 2023/24.")

    ranked = match.suggestions(ingest(raw, "file").message)

    assert [entry.request for entry in ranked] == [asked, other]
    assert (
        "asks for 2018/19 and 2019/20, not the years the email names (2022/23 and 2023/24)"
        in ranked[1].reasons
    )


@pytest.mark.django_db
def test_it_ranks_the_force_an_email_names_above_the_force_whose_domain_sent_it():
    norfolk = request_for(["2022/23"], date(2026, 9, 1), name="Norfolk Constabulary")
    suffolk = request_for(["2022/23"], date(2026, 9, 1), name="Suffolk Constabulary")
    raw = email(
        "freedomofinformation@suffolk.police.uk",
        "Freedom of Information Response",
        "Norfolk Constabulary can confirm that it holds the information: 2022/23: 64.",
    )

    ranked = match.suggestions(ingest(raw, "file").message)

    assert [entry.request for entry in ranked] == [norfolk, suffolk]
    assert any("names another force" in reason for reason in ranked[1].reasons)


@pytest.mark.django_db
def test_it_breaks_a_tie_by_how_near_the_reply_is_to_when_the_request_was_due():
    # Same force, same years, both sent before the reply; the earlier one was extended to a
    # date after the reply, the later one's due date has passed: the extended one first.
    extended = request_for(["2022/23"], date(2026, 9, 1))
    extended.extended_due_date = date(2026, 11, 10)
    extended.save()
    later = request_for(["2022/23"], date(2026, 9, 20))
    raw = email(
        "foi@dyfed-powys.police.uk",
        "Your request",
        "Our reply.",
        date_header="Mon, 2 Nov 2026 09:00:00 +0000",
    )

    ranked = match.suggestions(ingest(raw, "file").message)

    assert [entry.request for entry in ranked] == [extended, later]
    assert (ranked[0].days_apart, ranked[1].days_apart) == (
        0,
        (date(2026, 11, 2) - later.due_date).days,
    )
    assert "sent 1 Sep 2026, 62 days before this email, due 10 Nov 2026" in ranked[0].reasons


# --- Setting aside what is not a force's reply ---------------------------------------------


@pytest.mark.django_db
def test_it_sets_aside_a_non_force_email_from_the_list_after_asking(client, caseworker, round_):
    message = ingest(raw_email("28_unmatched_unknown_sender.eml", round_), "mailbox").message
    client.force_login(caseworker)
    unmatched = reverse("admin:returns_unmatchedreply_changelist")
    chosen = {"action": "set_aside_selected", "_selected_action": [message.pk]}

    asking = client.post(unmatched, chosen)
    assert asking.status_code == 200 and "Set aside 1 email" in asking.text
    assert not InboundMessage.objects.get(pk=message.pk).is_set_aside

    done = client.post(unmatched, {**chosen, "confirmed": "1"}, follow=True)

    assert "Set aside 1 email as not a force&#x27;s reply" in done.text
    message.refresh_from_db()
    assert message.set_aside_by == caseworker and message.set_aside_at is not None
    assert message.raw and message.correspondence is None
    assert message.subject not in client.get(unmatched).text
    received = reverse("admin:returns_inboundmessage_changelist")
    assert message.subject in client.get(received).text
    aside = client.get(received, {"set_aside": "yes"}).context["cl"].result_list
    assert [row.pk for row in aside] == [message.pk]
    not_aside = client.get(received, {"set_aside": "no"}).context["cl"].result_list
    assert message.pk not in [row.pk for row in not_aside]
    assert LogEntry.objects.filter(object_id=str(message.pk), user=caseworker).exists()


@pytest.mark.django_db
def test_it_sets_aside_from_the_emails_page_and_brings_it_back(client, caseworker, round_):
    message = ingest(raw_email("28_unmatched_unknown_sender.eml", round_), "mailbox").message
    client.force_login(caseworker)
    page = client.get(reverse("admin:returns_unmatchedreply_change", args=[message.pk]))
    set_aside = reverse("admin:returns_unmatchedreply_set_aside", args=[message.pk])
    assert f'action="{set_aside}"' in page.text

    client.post(set_aside)

    message.refresh_from_db()
    assert message.is_set_aside
    shown = client.get(reverse("admin:returns_inboundmessage_change", args=[message.pk])).text
    assert "Set aside: not a force's reply" in shown and caseworker.username in shown
    filing = client.post(
        reverse("admin:returns_unmatchedreply_file", args=[message.pk]),
        {"request": round_.durham.pk},
    )
    assert filing.status_code == 302 and not InboundMessage.objects.get(pk=message.pk).is_filed

    client.post(reverse("admin:returns_unmatchedreply_bring_back", args=[message.pk]))

    message.refresh_from_db()
    assert not message.is_set_aside and message.set_aside_by is None
    listing = client.get(reverse("admin:returns_unmatchedreply_changelist")).text
    assert message.subject in listing


@pytest.mark.django_db
def test_it_brings_set_aside_emails_back_from_all_received_emails(client, caseworker, round_):
    message = ingest(raw_email("28_unmatched_unknown_sender.eml", round_), "mailbox").message
    client.force_login(caseworker)
    client.post(reverse("admin:returns_unmatchedreply_set_aside", args=[message.pk]))

    client.post(
        reverse("admin:returns_inboundmessage_changelist"),
        {"action": "bring_back_selected", "_selected_action": [message.pk]},
    )

    assert not InboundMessage.objects.get(pk=message.pk).is_set_aside


@pytest.mark.django_db
def test_it_never_sets_aside_a_filed_email(client, caseworker, round_):
    filed = ingest(raw_email("12_response_xlsx.eml", round_), "mailbox").message
    client.force_login(caseworker)

    client.post(reverse("admin:returns_unmatchedreply_set_aside", args=[filed.pk]))

    assert not InboundMessage.objects.get(pk=filed.pk).is_set_aside


@pytest.mark.django_db
def test_it_lets_only_those_who_may_file_set_aside(client, verifier, outsider, round_):
    message = ingest(raw_email("28_unmatched_unknown_sender.eml", round_), "mailbox").message
    for user in (verifier, outsider):
        client.force_login(user)
        response = client.post(reverse("admin:returns_unmatchedreply_set_aside", args=[message.pk]))
        assert response.status_code == 403
    client.force_login(verifier)
    listing = client.get(reverse("admin:returns_unmatchedreply_changelist"))
    assert "set_aside_selected" not in listing.text
    assert not InboundMessage.objects.get(pk=message.pk).is_set_aside


# --- A received email's page shows, it does not save ----------------------------------------


@pytest.mark.django_db
def test_it_shows_a_received_email_without_save_buttons_and_refuses_a_save(
    client, caseworker, round_
):
    message = ingest(raw_email("28_unmatched_unknown_sender.eml", round_), "mailbox").message
    filed = ingest(raw_email("12_response_xlsx.eml", round_), "mailbox").message
    client.force_login(caseworker)
    for name, pk in (
        ("admin:returns_unmatchedreply_change", message.pk),
        ("admin:returns_inboundmessage_change", message.pk),
        ("admin:returns_inboundmessage_change", filed.pk),
    ):
        url = reverse(name, args=[pk])
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="_save"' not in page.text and 'name="_continue"' not in page.text
        assert client.post(url, {"_save": "Save"}).status_code == 403
    unmatched = client.get(reverse("admin:returns_unmatchedreply_change", args=[message.pk]))
    assert "File under it" in unmatched.text and "Not a force's reply" in unmatched.text
    assert (
        "Import this table"
        in client.get(reverse("admin:returns_inboundmessage_change", args=[filed.pk])).text
    )
    assert not LogEntry.objects.exists()


# --- The Unmatched list fits ----------------------------------------------------------------


@pytest.mark.django_db
def test_it_cuts_long_texts_in_the_unmatched_list_and_keeps_them_whole_in_a_tooltip(
    client, caseworker
):
    subject = "Re: Freedom of Information request " + "very long subject words " * 10
    sender = "a.very.long.sender.name.indeed@some-long-domain-of-a-newsletter.example"
    ingest(email(sender, subject.strip(), "Hello."), "file")
    message = InboundMessage.objects.get()
    message.problem = "The message could not be read: " + "the MIME structure is broken " * 8
    message.save()
    client.force_login(caseworker)

    listing = client.get(reverse("admin:returns_unmatchedreply_changelist")).text

    assert f'title="{message.subject}"' in listing
    assert f'title="{sender}"' in listing
    assert f'title="{message.problem}"' in listing
    assert f">{message.subject}<" not in listing


# --- A forward matched by the domain of its quoted From line --------------------------------


@pytest.mark.django_db
def test_it_says_a_forward_was_matched_by_the_forwarded_messages_sender(client, caseworker):
    met = FOIRequestFactory(force=force("Metropolitan Police Service"))
    raw = (REAL / "29_forwarded_met_refusal_outlook_no_our_reference.eml").read_bytes()
    for placeholder in (b"%%OUR_REF%%", b"%%TOKEN%%", b"%%OUR_ID%%"):
        raw = raw.replace(placeholder, b"")

    message = ingest(raw, "upload").message

    assert (message.request, message.matched_by) == (met, "domain")
    assert message.match_note.startswith(
        "Matched by the forwarded message's sender's domain (met.police.uk); forwarded by "
    )
    client.force_login(caseworker)
    listing = client.get(reverse("admin:returns_inboundmessage_changelist")).text
    assert f"{met.our_reference} (the forwarded message&#x27;s sender&#x27;s domain)" in listing


@pytest.mark.django_db
def test_it_adds_no_forward_note_when_the_force_itself_wrote_from_its_domain():
    durham = FOIRequestFactory(force=force("Durham Constabulary"))
    raw = email("Jo Bell <jo.bell@durham.police.uk>", "Our response", "Please find our reply.")

    message = ingest(raw, "file").message

    assert (message.request, message.matched_by, message.match_note) == (durham, "domain", "")
    assert Correspondence.objects.get().needs_attention == ""


@pytest.mark.django_db
def test_it_shows_an_email_filed_meanwhile_instead_of_calling_it_deleted(
    client, caseworker, round_
):
    filed = ingest(raw_email("28_unmatched_unknown_sender.eml", round_), "mailbox").message
    newsletter = email("news@example.com", "Your weekly digest", "Read more", mid="news-1")
    set_aside = ingest(newsletter, "mailbox").message
    client.force_login(caseworker)
    file_under(filed, round_.durham, "staff", user=caseworker)
    client.post(reverse("admin:returns_unmatchedreply_set_aside", args=[set_aside.pk]))

    for message, said in (
        (filed, f"filed under {round_.durham.our_reference}"),
        (set_aside, "set aside as not a force"),
    ):
        page = client.get(
            reverse("admin:returns_unmatchedreply_change", args=[message.pk]), follow=True
        )

        assert page.redirect_chain[-1][0] == reverse(
            "admin:returns_inboundmessage_change", args=[message.pk]
        )
        assert f"no longer unmatched: it was {said}" in page.text
        assert "Perhaps it was deleted" not in page.text


@pytest.mark.django_db
def test_it_reads_a_surname_first_sender_written_without_quotes():
    dorset = FOIRequestFactory(force=force("Dorset Police"))
    raw = email("Smith, Jane <jane.smith@dorset.police.uk>", "Your request", "Please clarify.")

    message = ingest(raw, "file").message

    assert (message.sender, message.request, message.matched_by) == (
        "jane.smith@dorset.police.uk",
        dorset,
        "domain",
    )


@pytest.mark.django_db
def test_it_matches_a_forward_whose_quoted_from_line_is_surname_first():
    met = FOIRequestFactory(force=force("Metropolitan Police Service"))
    raw = (REAL / "29_forwarded_met_refusal_outlook_no_our_reference.eml").read_bytes()
    for placeholder in (b"%%OUR_REF%%", b"%%TOKEN%%", b"%%OUR_ID%%"):
        raw = raw.replace(placeholder, b"")
    raw = raw.replace(
        b"From: IRU - FOI <foi@met.police.uk>", b"From: Smith, Jane <foi@met.police.uk>"
    )

    message = ingest(raw, "upload").message

    assert (message.request, message.matched_by) == (met, "domain")
