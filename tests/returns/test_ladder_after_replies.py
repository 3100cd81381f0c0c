"""The chase ladder and the request page after a force's reply, as the data team lives them:
the reply is filed, staff confirm (or change) its kind, answer a clarification, and the next
morning's chase_overdue takes only the steps docs/deadlines.md says."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from returns import board, case, rounds, stages
from returns.models import Correspondence, FOIRequest
from returns.replies import confirm
from returns.replies.store import ingest
from tests.factories import FOIRequestFactory, force
from tests.returns.replies_helpers import raw_email, round_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

# The round's requests were received on Mon 5 Jan 2026, due Mon 2 Feb 2026; the corpus's
# replies are dated Tue 3 Feb 2026.
REPLIED = date(2026, 2, 3)


@pytest.fixture(autouse=True)
def _addressed(round_):
    for foi_request in (round_.northumbria, round_.durham):
        name = foi_request.force.name.split()[0].lower()
        foi_request.force.foi_email = f"foi@{name}.police.uk"
        foi_request.force.save()


def chased(today: str) -> dict[str, str]:
    """{force: step kind} of what `chase_overdue --json` takes on `today`."""
    out = StringIO()
    call_command("chase_overdue", "--today", today, "--json", stdout=out)
    return {step["force"]: step["kind"] for step in json.loads(out.getvalue())}


def reply(name, round_) -> Correspondence:
    return ingest(raw_email(name, round_), "mailbox").message.correspondence


def fresh(foi_request) -> FOIRequest:
    return FOIRequest.objects.select_related("force").get(pk=foi_request.pk)


def banner(foi_request, today) -> str:
    foi_request = fresh(foi_request)
    return case.status_sentence(foi_request, stages.stage_of(foi_request, today))


def board_stage(foi_request, today) -> board.BoardStage:
    rows = board.board_rows(foi_request.campaign, today)
    return next(row.stage for row in rows if row.request.pk == foi_request.pk)


# --- 1. An acknowledgement: the clock runs on ------------------------------------------------


def test_it_chases_an_acknowledged_request_once_overdue_quoting_the_forces_reference(round_):
    reply("01_acknowledgement_our_ref.eml", round_)

    assert chased("2026-02-10") == {"Northumbria Police": "chaser", "Durham Constabulary": "chaser"}
    letter = next(m for m in mail.outbox if "Northumbria" in m.body)
    assert "(your reference FOI 001234/17)" in letter.subject
    assert "was due for a reply by 2 February 2026" in letter.body


# --- 2. A clarification: the clock stops, and starts again from our answer -------------------


def test_it_restarts_the_forces_working_days_from_our_emailed_clarification(round_):
    confirm.confirm(reply("08_clarification.eml", round_), "clarification")
    assert chased("2026-02-10") == {"Durham Constabulary": "chaser"}

    outcome = rounds.answer_clarification(
        round_.northumbria.pk, "We mean the Home Office flag.", date(2026, 2, 16)
    )

    request = fresh(round_.northumbria)
    assert outcome.sent and outcome.message.state == Correspondence.State.SENT
    assert mail.outbox[-1].body.startswith("We mean the Home Office flag.")
    assert "[FOIR-" in mail.outbox[-1].subject
    assert (request.status, request.clarification_received_on) == ("awaiting", date(2026, 2, 16))
    assert request.due_date == date(2026, 3, 16)  # 20 working days after 16 Feb 2026
    assert banner(request, date(2026, 3, 2)) == (
        "Due 16 Mar 2026 (the 20th working day after 16 Feb 2026, when the force had our "
        "clarification)."
    )
    assert "Northumbria Police" not in chased("2026-03-17")  # St Patrick's Day: s.10(6)
    assert chased("2026-03-18")["Northumbria Police"] == "chaser"


def test_it_restarts_the_clock_from_a_clarification_staff_sent_by_hand_and_logged(
    client, caseworker, round_
):
    confirm.confirm(reply("08_clarification.eml", round_), "clarification")
    client.force_login(caseworker)
    page = reverse("admin:returns_foirequest_answer_clarification", args=[round_.northumbria.pk])

    response = client.post(
        page, {"answer": "The Home Office flag.", "answered_on": "2026-02-09"}, follow=True
    )

    request = fresh(round_.northumbria)
    assert (request.status, request.clarification_received_on) == ("awaiting", date(2026, 2, 9))
    assert request.due_date == date(2026, 3, 9)
    assert "its working days start again, due 9 Mar 2026" in response.text
    ours = request.correspondence.get(direction="out", kind="clarification")
    assert (ours.state, ours.date) == ("sent", date(2026, 2, 9))
    assert mail.outbox == []


def test_it_refuses_an_answer_dated_before_the_force_asked(client, caseworker, round_):
    confirm.confirm(reply("08_clarification.eml", round_), "clarification")
    client.force_login(caseworker)
    page = reverse("admin:returns_foirequest_answer_clarification", args=[round_.northumbria.pk])

    response = client.post(page, {"answer": "Flag.", "answered_on": "2026-02-02"})

    assert "The force asked on 3 Feb 2026." in response.text
    assert fresh(round_.northumbria).status == FOIRequest.Status.CLARIFICATION


def test_it_offers_answering_the_clarification_on_the_request_page(client, caseworker, round_):
    confirm.confirm(reply("08_clarification.eml", round_), "clarification")
    client.force_login(caseworker)

    page = client.get(reverse("admin:returns_foirequest_change", args=[round_.northumbria.pk]))

    assert "Answer the clarification</a>" in page.text
    assert "Use Answer the clarification to send or record it." in page.text


def test_it_restarts_the_clock_when_staff_mark_our_clarification_sent_in_the_log(round_):
    confirm.confirm(reply("08_clarification.eml", round_), "clarification")
    message = Correspondence.objects.create(
        request=round_.northumbria,
        direction="out",
        kind="clarification",
        state="sent",
        date=date(2026, 2, 11),
    )
    rounds.record_sent_by_hand(message)

    assert fresh(round_.northumbria).clarification_received_on == date(2026, 2, 11)


# --- 3. A public-interest extension ----------------------------------------------------------


def test_it_waits_for_the_extensions_date_then_chases_from_it(round_):
    confirm.confirm(reply("09_extension_s10_3.eml", round_), "extension")

    assert "Northumbria Police" not in chased("2026-03-03")
    assert chased("2026-03-04")["Northumbria Police"] == "chaser"
    letter = next(m for m in mail.outbox if "Northumbria" in m.body)
    # s.10(3)'s date, not s.10(1)'s: the default chaser cites section 10.
    assert "was due for a reply by 3 March 2026 under section 10 of the Freedom" in letter.body


def test_it_does_not_take_a_date_before_the_statutory_one_as_the_extensions(round_):
    notice = reply("09_extension_s10_3.eml", round_)
    Correspondence.objects.filter(pk=notice.pk).update(
        body=notice.body.replace("3 March 2026", "30 January 2026")
    )

    confirm.confirm(notice, "extension")

    request = fresh(round_.northumbria)
    assert (request.status, request.extended_due_date) == ("extended", None)
    notice.refresh_from_db()
    assert notice.needs_attention.startswith("No date after the statutory due date found")


def test_it_flags_an_extension_beyond_the_ico_limit_but_keeps_the_forces_date(round_):
    notice = reply("09_extension_s10_3.eml", round_)
    Correspondence.objects.filter(pk=notice.pk).update(
        body=notice.body.replace("3 March 2026", "30 April 2026")
    )

    confirm.confirm(notice, "extension")

    assert fresh(round_.northumbria).extended_due_date == date(2026, 4, 30)
    notice.refresh_from_db()
    assert "beyond the 40 working days from receipt the ICO expects (by 2 Mar 2026)" in (
        notice.needs_attention
    )


def test_it_says_foisa_has_no_extension_when_one_is_confirmed_for_police_scotland():
    scotland = FOIRequestFactory(force=force("Police Scotland"))
    notice = Correspondence.objects.create(
        request=scotland, direction="in", kind="extension", date=REPLIED, kind_confirmed=False
    )

    confirm.confirm(notice, "extension")

    notice.refresh_from_db()
    assert (
        notice.needs_attention
        == "FOISA 2002 has no public-interest extension: the due date stands."
    )
    assert fresh(scotland).status == FOIRequest.Status.AWAITING


# --- 4. A final response or refusal, confirmed or changed ------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [("12_response_xlsx.eml", "response"), ("08_clarification.eml", "clarification")],
)
def test_it_resumes_chasing_when_staff_change_a_confirmed_kind(round_, name, kind):
    row = reply(name, round_)
    confirm.confirm(row, kind)
    assert chased("2026-02-10") == {"Durham Constabulary": "chaser"}

    confirm.confirm(row, "acknowledgement")

    request = fresh(round_.northumbria)
    assert (request.status, request.responded_on) == ("awaiting", None)
    assert stages.stage_of(request, date(2026, 2, 11)).code == stages.StageCode.OVERDUE
    assert chased("2026-02-11") == {"Northumbria Police": "chaser"}


def test_it_undoes_a_confirmed_refusal_changed_to_a_response(round_):
    row = reply("10_refusal_s12.eml", round_)
    confirm.confirm(row, "refusal")

    confirm.confirm(row, "response")

    request = fresh(round_.durham)
    assert (request.status, request.responded_on, request.outcome) == ("answered", REPLIED, "")
    assert not request.exemptions.exists()


def test_it_undoes_a_confirmed_extension_changed_to_an_acknowledgement(round_):
    row = reply("09_extension_s10_3.eml", round_)
    confirm.confirm(row, "extension")

    confirm.confirm(row, "acknowledgement")

    request = fresh(round_.northumbria)
    assert (request.status, request.extended_due_date, request.extension_notice_on) == (
        "awaiting",
        None,
        None,
    )


@pytest.mark.parametrize("named", ["3 March 2026", "1 February 2026"])  # beyond the limit; none
def test_it_takes_back_the_extensions_note_when_its_kind_is_changed(round_, named):
    row = reply("09_extension_s10_3.eml", round_)
    Correspondence.objects.filter(pk=row.pk).update(
        body=row.body.replace("3 March 2026", named), needs_attention="Matched by hand."
    )
    confirm.confirm(row, "extension")
    row.refresh_from_db()
    assert row.needs_attention != "Matched by hand."  # the extension's note, first

    confirm.confirm(row, "acknowledgement")

    row.refresh_from_db()
    assert row.needs_attention == "Matched by hand."


def test_it_takes_back_the_foisa_note_when_its_kind_is_changed():
    scotland = FOIRequestFactory(force=force("Police Scotland"))
    notice = Correspondence.objects.create(
        request=scotland, direction="in", kind="extension", date=REPLIED, kind_confirmed=False
    )
    confirm.confirm(notice, "extension")

    confirm.confirm(notice, "acknowledgement")

    notice.refresh_from_db()
    assert notice.needs_attention == ""


def test_it_leaves_a_response_recorded_by_hand_when_a_suggestion_is_changed(round_):
    rounds.record_response(round_.northumbria, responded_on=REPLIED, outcome="full")
    row = reply("12_response_xlsx.eml", round_)

    confirm.confirm(row, "acknowledgement")  # never confirmed as the response: nothing to undo

    assert fresh(round_.northumbria).responded_on == REPLIED


def test_it_offers_to_change_a_confirmed_kind_on_the_request_page(client, caseworker, round_):
    confirm.confirm(reply("12_response_xlsx.eml", round_), "response", user=caseworker)
    client.force_login(caseworker)

    page = client.get(reverse("admin:returns_foirequest_change", args=[round_.northumbria.pk]))

    conversation = page.text[page.text.index('id="conversation"') :]
    assert "Confirmed as <strong>Final response</strong> by casey" in conversation
    assert '<option value="acknowledgement">' in conversation
    assert '<option value="response">Final response</option>' not in conversation


def test_it_shows_answered_on_the_board_when_the_response_follows_the_ladders_review(round_):
    chased("2026-03-10")  # both long overdue: a request for internal review each
    late = raw_email("12_response_xlsx.eml", round_).replace(b"03 Feb 2026", b"12 Mar 2026")
    row = ingest(late, "mailbox").message.correspondence
    assert board_stage(round_.northumbria, date(2026, 3, 13)) == board.BoardStage.REPLY_TO_CONFIRM

    confirm.confirm(row, "response")

    assert board_stage(round_.northumbria, date(2026, 3, 13)) == board.BoardStage.ANSWERED
    assert board_stage(round_.durham, date(2026, 3, 13)) == board.BoardStage.INTERNAL_REVIEW
    assert chased("2026-05-01") == {"Durham Constabulary": "commissioner"}


def test_it_keeps_a_review_of_a_refusal_asked_for_after_it_in_review_on_the_board(round_):
    confirm.confirm(reply("10_refusal_s12.eml", round_), "refusal")
    FOIRequest.objects.filter(pk=round_.durham.pk).update(
        internal_review_requested_on=date(2026, 2, 20)
    )

    assert board_stage(round_.durham, date(2026, 2, 23)) == board.BoardStage.INTERNAL_REVIEW
