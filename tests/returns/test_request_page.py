"""The request page as a case: its status banner says what applies to the request now, and its
messages' kinds are worded one way."""

from datetime import date

import pytest
from django.urls import reverse

from forces.models import Force
from returns import case, deadlines, stages
from returns.models import Correspondence, FOIRequest
from returns.replies import classify, confirm
from returns.replies.store import ingest
from tests.factories import FOIRequestFactory
from tests.returns.replies_helpers import raw_email, round_fixture  # noqa: F401

D = date
RECEIVED = D(
    2026, 12, 1
)  # a Tuesday: due Thu 31 Dec 2026 (25 and 28 Dec, Boxing Day's substitute, skipped)
TODAY = D(2026, 12, 10)
NO_EXTRA_DAYS = stages.Clock("foia", extra_days={})


def request_on_paper(**fields):
    """An unsaved request of an English force (no database)."""
    fields.setdefault("status", FOIRequest.Status.AWAITING)
    fields.setdefault("received_on", RECEIVED)
    foi_request = FOIRequest(force=Force(name="Gwent Police", regime="foia"), **fields)
    foi_request.due_date = deadlines.due_date(foi_request.clock_started_on, "foia")
    return foi_request


def banner(foi_request):
    if stages.is_awaiting_response(foi_request):  # its chase steps need the database
        due, extended = foi_request.effective_due_date, foi_request.extended_due_date is not None
        stage = stages.Stage(stages.StageCode.NOT_YET_DUE, due, extended, 0, None)
    else:
        stage = stages.stage_of(foi_request, TODAY, clock=NO_EXTRA_DAYS)
    return case.status_sentence(foi_request, stage)


def test_it_gives_the_due_date_and_how_it_was_reached_while_the_clock_runs():
    assert banner(request_on_paper()) == "Due 31 Dec 2026 (the 20th working day after 1 Dec 2026)."


def test_it_says_the_clock_stopped_for_our_clarification_instead_of_a_due_date():
    foi_request = request_on_paper(
        status=FOIRequest.Status.CLARIFICATION, clarification_requested_on=D(2026, 12, 4)
    )

    text = banner(foi_request)

    assert text.startswith("Clock stopped since 4 Dec 2026, awaiting our clarification")
    assert "Due" not in text and "31 Dec" not in text


def test_it_says_a_request_not_delivered_has_no_running_due_date():
    text = banner(request_on_paper(not_delivered_on=D(2026, 12, 2)))

    assert text.startswith("Not delivered (bounce on 2 Dec 2026): the due date does not run.")
    assert "31 Dec" not in text


def test_it_says_when_and_how_a_request_was_answered():
    answered = request_on_paper(status=FOIRequest.Status.ANSWERED, responded_on=D(2026, 12, 8))
    refused = request_on_paper(
        status=FOIRequest.Status.ANSWERED,
        responded_on=D(2026, 12, 9),
        outcome=FOIRequest.Outcome.REFUSED,
    )
    in_part = request_on_paper(responded_on=D(2026, 12, 9), outcome=FOIRequest.Outcome.PART)

    assert banner(answered) == "Answered on 8 Dec 2026 (final response)."
    assert banner(refused) == "Answered on 9 Dec 2026 (refusal)."
    assert banner(in_part) == "Answered on 9 Dec 2026 (final response: answered in part)."


def test_it_gives_the_extended_date_with_the_statutory_one():
    foi_request = request_on_paper(
        status=FOIRequest.Status.EXTENDED,
        extension_notice_on=D(2026, 12, 29),
        extended_due_date=D(2027, 1, 28),
    )

    assert banner(foi_request) == (
        "Extended to 28 Jan 2027 (public-interest extension, notice of 29 Dec 2026; the "
        "statutory date was 31 Dec 2026)."
    )


@pytest.mark.django_db
def test_it_shows_the_banner_that_applies_on_the_page(client, caseworker):
    foi_request = FOIRequestFactory(
        received_on=RECEIVED,
        status=FOIRequest.Status.CLARIFICATION,
        clarification_requested_on=D(2026, 12, 4),
    )
    client.force_login(caseworker)

    page = client.get(reverse("admin:returns_foirequest_change", args=[foi_request.pk])).text

    start = page.index('id="case-status"')
    banner_html = page[start : page.index("</div>", start)]
    assert "Clock stopped since 4 Dec 2026, awaiting our clarification" in banner_html
    assert "Due 31 Dec 2026" not in banner_html


@pytest.mark.django_db
def test_it_says_chasing_is_paused_only_while_it_would_otherwise_go_on(client, caseworker, round_):
    reply = ingest(raw_email("12_response_xlsx.eml", round_), "mailbox").message.correspondence
    another = ingest(raw_email("14_response_pdf.eml", round_), "mailbox").message.correspondence
    client.force_login(caseworker)
    url = reverse("admin:returns_foirequest_change", args=[reply.request_id])
    assert "Chasing is paused" in client.get(url).text

    confirm.confirm(reply, classify.RESPONSE, user=caseworker)

    assert another.request_id == reply.request_id and another.pauses_chasing  # still to confirm
    assert "Chasing is paused" not in client.get(url).text  # answered: not chased at all


@pytest.mark.django_db
def test_it_words_a_replys_kind_as_its_suggestion_list_does(client, caseworker, round_):
    reply = ingest(raw_email("12_response_xlsx.eml", round_), "mailbox").message.correspondence
    assert reply.kind == classify.RESPONSE and not reply.kind_confirmed
    client.force_login(caseworker)

    page = client.get(reverse("admin:returns_foirequest_change", args=[reply.request_id])).text

    conversation = page[page.index('id="conversation"') :]
    assert "Suggested: <strong>Final response</strong>" in conversation
    assert "Received from force · Final response</strong>" in conversation
    assert '<option value="response">Final response</option>' in conversation
    assert "· Response</strong>" not in conversation


def test_it_words_our_own_messages_as_the_log_does():
    ours = Correspondence(direction="out", kind="clarification")
    theirs = Correspondence(direction="in", kind="clarification")

    assert case.kind_label(ours) == "Clarification"
    assert case.kind_label(theirs) == "Clarification question"
    assert case.kind_label(Correspondence(direction="in", kind="review_response")) == (
        "Internal review response"
    )
