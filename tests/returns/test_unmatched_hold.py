"""A force's email waiting in Unmatched replies holds the chase of the request it may answer
(docs/deadlines.md: Chasing paused): from one of the force's mail domains, or quoting the
request's reference, written since the request was sent. Filing it or setting it aside
releases the request on the next run; nothing is stored."""

import json
from datetime import date, datetime, time, timedelta
from email.utils import format_datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forces.models import Force
from returns import board, chasing, stages
from returns.models import FOIRequest, InboundMessage
from returns.replies.aside import set_aside
from returns.replies.store import file_under, ingest
from returns.replies.waiting import WaitingReplies, WaitingReply
from returns.stages import StageCode
from returns.views.overdue import board as overdue_board
from tests.factories import CampaignFactory, FOIRequestFactory, ForceFactory, force

TODAY = timezone.localdate()
SENT = TODAY - timedelta(days=60)  # well past the 20 working days: the chaser is due
WORDING = "A reply from the force waits in Unmatched replies: file it or set it aside"


def email(sender, *, written, subject="Your request for information", body="Please see below."):
    moment = timezone.make_aware(datetime.combine(written, time(10, 15)))
    return (
        f"From: {sender}\r\nTo: foi@charity.example\r\nSubject: {subject}\r\n"
        f"Date: {format_datetime(moment)}\r\n"
        f"Message-ID: <{sender.replace('@', '.')}-{written:%Y%m%d}-{len(body)}@example>\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def unmatched(raw) -> InboundMessage:
    message = ingest(raw, InboundMessage.Source.FILE).message
    assert message.correspondence_id is None, "the test needs an email left unmatched"
    return message


@pytest.fixture
def northumbria():
    """Northumbria asked in two rounds: an email from its domain matches neither with
    certainty, so it waits in Unmatched replies."""
    the_force = force("Northumbria Police")
    rounds = [CampaignFactory(title="Round one"), CampaignFactory(title="Round two")]
    return [
        FOIRequestFactory(campaign=campaign, force=the_force, sent_on=SENT, received_on=SENT)
        for campaign in rounds
    ]


@pytest.fixture
def durham(northumbria):
    return FOIRequestFactory(
        campaign=northumbria[0].campaign,
        force=force("Durham Constabulary"),
        sent_on=SENT,
        received_on=SENT,
    )


def chased(today=TODAY):
    return sorted(step.request for step in chasing.chase_overdue(today=today))


def fresh(foi_request):
    return FOIRequest.objects.select_related("force").get(pk=foi_request.pk)


# --- The rule, without a database -----------------------------------------------------------


def reply(domain, written_on, quoted=()):
    return WaitingReply(1, f"foi@{domain}", "", written_on, domain, frozenset(quoted))


def request_to(mail_domains, pk=7, sent_on=date(2026, 3, 2)):
    the_force = Force(pk=1, name="Testshire Police", mail_domains=mail_domains)
    return FOIRequest(pk=pk, force=the_force, sent_on=sent_on, received_on=sent_on)


@pytest.mark.parametrize(
    "domain, written_on, holds",
    [
        ("testshire.police.uk", date(2026, 3, 2), True),  # the day it was sent counts
        ("disclosure.testshire.police.uk", date(2026, 4, 1), True),  # a subdomain counts
        ("testshire.pnn.police.uk", date(2026, 4, 1), True),  # the older pnn form too
        ("testshire.police.uk", date(2026, 3, 1), False),  # written before it was sent
        ("nottestshire.police.uk", date(2026, 4, 1), False),
        ("gmail.com", date(2026, 4, 1), False),
    ],
)
def test_it_holds_a_request_for_an_email_from_its_forces_domain_since_it_was_sent(
    domain, written_on, holds
):
    waiting = WaitingReplies([reply(domain, written_on)], forces=[])

    assert waiting.holds(request_to("testshire.police.uk")) is holds


def test_it_holds_a_request_whose_reference_an_email_quotes_from_any_address():
    waiting = WaitingReplies([reply("legal-services.example", date(2026, 4, 1), [7])])

    assert waiting.holds(request_to("testshire.police.uk", pk=7))
    assert not waiting.holds(request_to("testshire.police.uk", pk=8))


# --- The ladder --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_does_not_chase_a_force_whose_reply_waits_in_unmatched_replies(northumbria, durham):
    unmatched(email("foi@northumbria.police.uk", written=TODAY - timedelta(days=3)))

    assert chased() == [durham.pk]
    for foi_request in northumbria:
        assert stages.stage_of(fresh(foi_request), TODAY).code == StageCode.UNMATCHED_REPLY
    assert not FOIRequest.objects.overdue(TODAY).filter(force__name="Northumbria Police").exists()


@pytest.mark.django_db
def test_it_chases_again_once_the_email_is_filed_under_another_request(northumbria, durham):
    message = unmatched(email("foi@northumbria.police.uk", written=TODAY - timedelta(days=3)))
    first, second = northumbria
    assert chased() == [durham.pk]

    file_under(message, second, InboundMessage.MatchedBy.STAFF)

    # The second waits for its kind to be confirmed; the first is free again.
    assert chased() == [first.pk]
    assert stages.stage_of(fresh(second), TODAY).code == StageCode.REPLY_TO_CONFIRM


@pytest.mark.django_db
def test_it_chases_again_once_the_email_is_set_aside(northumbria, caseworker):
    message = unmatched(email("foi@northumbria.police.uk", written=TODAY - timedelta(days=3)))
    assert chased() == []

    set_aside(InboundMessage.objects.filter(pk=message.pk), caseworker)

    assert chased() == sorted(foi_request.pk for foi_request in northumbria)


@pytest.mark.django_db
def test_it_holds_nothing_for_an_email_from_an_unrelated_sender(northumbria):
    unmatched(email("someone@gmail.example", written=TODAY - timedelta(days=3)))

    assert chased() == sorted(foi_request.pk for foi_request in northumbria)


@pytest.mark.django_db
def test_it_holds_nothing_for_an_email_written_before_the_request_was_sent(northumbria):
    unmatched(email("foi@northumbria.police.uk", written=SENT - timedelta(days=2)))

    assert chased() == sorted(foi_request.pk for foi_request in northumbria)
    assert stages.stage_of(fresh(northumbria[0]), TODAY).code == StageCode.LONG_OVERDUE


@pytest.mark.django_db
def test_it_holds_the_request_an_email_from_elsewhere_quotes(northumbria, durham):
    first, second = northumbria
    body = f"Forwarded on behalf of the force. Re our letter {first.our_reference}: see attached."
    unmatched(email("office@legal-services.example", written=TODAY - timedelta(days=1), body=body))

    assert chased() == sorted([second.pk, durham.pk])


@pytest.mark.django_db
def test_it_takes_no_step_for_a_held_request_in_chase_overdue_json(northumbria, durham):
    unmatched(email("foi@northumbria.police.uk", written=TODAY - timedelta(days=3)))
    out = StringIO()

    call_command("chase_overdue", "--today", TODAY.isoformat(), "--json", stdout=out)

    steps = json.loads(out.getvalue())
    assert [step["request"] for step in steps] == [durham.pk]
    assert set(steps[0]) == {"force", "request", "kind", "to", "sent"}


@pytest.mark.django_db
def test_it_refuses_a_step_from_the_overdue_board_while_held(northumbria):
    unmatched(email("foi@northumbria.police.uk", written=TODAY - timedelta(days=3)))

    with pytest.raises(chasing.NoStepToTake):
        chasing.take_step(northumbria[0].pk, TODAY, early=True)


# --- What staff see --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_says_so_on_the_request_page(client, administrator, northumbria):
    message = unmatched(email("foi@northumbria.police.uk", written=TODAY - timedelta(days=3)))
    client.force_login(administrator)

    url = reverse("admin:returns_foirequest_change", args=[northumbria[0].pk])
    page = client.get(url).content.decode()

    assert WORDING in page
    assert reverse("admin:returns_unmatchedreply_change", args=[message.pk]) in page
    assert "Next chase step" not in page


@pytest.mark.django_db
def test_it_says_so_on_the_campaign_board(client, administrator, northumbria, durham):
    unmatched(email("foi@northumbria.police.uk", written=TODAY - timedelta(days=3)))
    campaign = northumbria[0].campaign

    rows = {row.request.pk: row for row in board.board_rows(campaign, TODAY)}

    held = rows[northumbria[0].pk]
    assert held.stage == board.BoardStage.UNMATCHED_REPLY
    assert held.summary.startswith(WORDING)
    assert held.chase is None
    assert rows[durham.pk].stage == board.BoardStage.OVERDUE
    client.force_login(administrator)
    page = client.get(f"/admin/returns/campaign/{campaign.pk}/change/").content.decode()
    assert WORDING in page


@pytest.mark.django_db
def test_it_keeps_a_held_request_on_the_overdue_board_without_a_send_button(
    client, administrator, northumbria, durham
):
    message = unmatched(email("foi@northumbria.police.uk", written=TODAY - timedelta(days=3)))

    rows = {row.request.pk: row for _, rows in overdue_board(TODAY) for row in rows}

    held = rows[northumbria[0].pk]
    assert [reply.pk for reply in held.unmatched_replies] == [message.pk]
    assert (held.can_send, held.next_kind) == (False, None)
    assert held.days_late > 20
    assert rows[durham.pk].can_send
    client.force_login(administrator)
    page = client.get(reverse("returns:overdue_board")).content.decode()
    assert WORDING in page
    assert f"?confirm={northumbria[0].pk}" not in page
    assert f"?confirm={durham.pk}" in page


# --- Queries -----------------------------------------------------------------------------------


def many_held(count):
    """`count` overdue forces of one round, each with an email waiting from its domain (each
    force asked in another round too, so the domain names no one request)."""
    campaign, other = CampaignFactory(), CampaignFactory()
    for n in range(count):
        the_force = ForceFactory(mail_domains=f"force{n}.police.example")
        for asked_in in (campaign, other):
            FOIRequestFactory(campaign=asked_in, force=the_force, sent_on=SENT, received_on=SENT)
        unmatched(email(f"foi@force{n}.police.example", written=TODAY - timedelta(days=2)))
    return campaign


@pytest.mark.django_db
def test_it_reads_the_hold_for_a_whole_board_in_one_query(django_assert_num_queries):
    campaign = many_held(30)

    # The requests with their figure counts, their correspondence, Unmatched replies, the
    # extra non-working days.
    with django_assert_num_queries(4):
        rows = board.board_rows(campaign, TODAY)
    assert {row.stage for row in rows} == {board.BoardStage.UNMATCHED_REPLY}


@pytest.mark.django_db
def test_it_runs_the_ladder_over_held_requests_in_a_few_queries(django_assert_max_num_queries):
    many_held(30)

    with django_assert_max_num_queries(6):
        assert chasing.chase_overdue(today=TODAY) == []


@pytest.mark.django_db
def test_it_shows_the_overdue_board_in_as_many_queries_for_30_forces_held_as_for_3(
    django_assert_max_num_queries,
):
    many_held(3)
    with CaptureQueriesContext(connection) as few:
        overdue_board(TODAY)
    many_held(27)
    with django_assert_max_num_queries(len(few)):
        rows = [row for _, rows in overdue_board(TODAY) for row in rows]
    assert len(rows) == 60 and all(row.unmatched_replies for row in rows)  # two rounds each


def test_its_page_names_the_requests_a_waiting_email_holds(client, caseworker, northumbria):
    message = unmatched(email("foi@northumbria.police.uk", written=TODAY))
    client.force_login(caseworker)
    url = reverse("admin:returns_unmatchedreply_change", args=[message.pk])

    page = client.get(url).text

    named = ", ".join(f"{request.our_reference} (Northumbria Police)" for request in northumbria)
    assert f"the force may have answered: {named} are not chased." in page
    set_aside(InboundMessage.objects.filter(pk=message.pk), caseworker)
    released = client.get(reverse("admin:returns_inboundmessage_change", args=[message.pk]))
    assert "are not chased" not in released.text
