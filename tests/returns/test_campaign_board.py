"""The campaign board: each force's stage at a glance, counts, filters, role-based buttons, and
the same number of queries for 5 forces as for 48."""

import itertools
import re
import shutil
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forces.models import Force
from returns import board
from returns.board import BoardStage
from returns.models import Correspondence, FOIRequest
from tests.factories import (
    CampaignFactory,
    FigureFactory,
    FOIRequestFactory,
    ForceFactory,
    UserFactory,
    force,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)  # a Monday; St Patrick's Day (17 Mar) is not a working day under FOIA


# --- One request in each stage, its dates counted back from `today`.
def not_sent(campaign, force, today):
    return FOIRequestFactory(
        campaign=campaign, force=force, status=FOIRequest.Status.NOT_SENT, sent_on=None,
        received_on=None,
    )  # fmt: skip


def draft(campaign, force, today):
    """Sending found no FOI address: a flagged draft for staff to send by hand."""
    force.foi_email = ""
    force.save()
    foi_request = not_sent(campaign, force, today)
    Correspondence.objects.create(
        request=foi_request,
        direction=Correspondence.Direction.OUT,
        kind=Correspondence.Kind.REQUEST,
        state=Correspondence.State.DRAFT,
        date=today,
        needs_attention="No FOI email address for this force: send it by hand.",
    )
    return foi_request


def sent(campaign, force, today):
    """Sent, but the date the force received it is not known: no due date yet."""
    return FOIRequestFactory(
        campaign=campaign, force=force, sent_on=today - timedelta(days=1), received_on=None
    )


def due(campaign, force, today):
    return FOIRequestFactory(campaign=campaign, force=force, sent_on=today, received_on=today)


def acknowledged(campaign, force, today):
    foi_request = due(campaign, force, today)
    foi_request.reference = "FOI/2026/0042"
    foi_request.save()
    return foi_request


def overdue(campaign, force, today):
    received = today - timedelta(days=45)
    return FOIRequestFactory(campaign=campaign, force=force, sent_on=received, received_on=received)


def answered(campaign, force, today, outcome=FOIRequest.Outcome.FULL):
    foi_request = overdue(campaign, force, today)
    foi_request.status = FOIRequest.Status.ANSWERED
    foi_request.responded_on = today - timedelta(days=5)
    foi_request.outcome = outcome
    foi_request.save()
    return foi_request


def internal_review(campaign, force, today):
    foi_request = answered(campaign, force, today, FOIRequest.Outcome.REFUSED)
    foi_request.internal_review_requested_on = today - timedelta(days=3)
    foi_request.save()
    return foi_request


def commissioner(campaign, force, today):
    foi_request = internal_review(campaign, force, today)
    foi_request.internal_review_responded_on = today - timedelta(days=2)
    foi_request.commissioner_complaint_on = today - timedelta(days=10)
    foi_request.save()
    return foi_request


def imported(campaign, force, today, verified=1):
    foi_request = answered(campaign, force, today)
    checker = UserFactory(username="vic")
    for number, period in enumerate(["2015/16", "2016/17"]):
        done = number < verified
        FigureFactory(
            request=foi_request,
            period=period,
            verified_by=checker if done else None,
            verified_at=timezone.now() if done else None,
        )
    return foi_request


def verified(campaign, force, today):
    return imported(campaign, force, today, verified=2)


BUILDERS = {
    BoardStage.NOT_SENT: not_sent,
    BoardStage.DRAFT: draft,
    BoardStage.SENT: sent,
    BoardStage.ACKNOWLEDGED: acknowledged,
    BoardStage.DUE: due,
    BoardStage.OVERDUE: overdue,
    BoardStage.INTERNAL_REVIEW: internal_review,
    BoardStage.COMMISSIONER: commissioner,
    BoardStage.ANSWERED: answered,
    BoardStage.IMPORTED: imported,
    BoardStage.VERIFIED: verified,
}


def build_round(campaign, today, nations=None):
    """One request per stage, each to its own force ("Overdue Police" ...)."""
    nations = nations or {}
    return {
        stage: build(
            campaign,
            ForceFactory(
                name=f"{stage.label} Police", nation=nations.get(stage, Force.Nation.ENGLAND)
            ),
            today,
        )
        for stage, build in BUILDERS.items()
    }


def build_many(campaign, count, today):
    """`count` forces asked, in every stage in turn, Police Scotland's regime among them."""
    stages_in_turn = itertools.cycle(BUILDERS.values())
    for number in range(count):
        regime, nation = ("foisa", "scotland") if number % 4 == 3 else ("foia", "england")
        name = f"{campaign.slug.title()} Force {number:02d}"
        force = ForceFactory(name=name, regime=regime, nation=nation)
        next(stages_in_turn)(campaign, force, today)


@pytest.fixture
def campaign():
    return CampaignFactory(title="Online offences 2026")


def rows_by_force(campaign, today=TODAY):
    return {row.request.force.name: row for row in board.board_rows(campaign, today)}


# --- The rows ---------------------------------------------------------------------------------


def test_it_gives_each_force_its_stage_and_says_it_in_words(campaign):
    build_round(campaign, TODAY)

    rows = rows_by_force(campaign)

    assert {name: (row.stage, row.summary) for name, row in rows.items()} == {
        "Not sent Police": (BoardStage.NOT_SENT, "Not sent"),
        "Draft to send by hand Police": (BoardStage.DRAFT, "Draft to send by hand"),
        "Sent Police": (BoardStage.SENT, "Sent on 1 Mar 2026"),
        "Acknowledged Police": (BoardStage.ACKNOWLEDGED, "Acknowledged, due on 31 Mar 2026"),
        "Due Police": (BoardStage.DUE, "Due on 31 Mar 2026"),
        "Overdue Police": (BoardStage.OVERDUE, "Overdue 11 working days"),
        "In internal review Police": (
            BoardStage.INTERNAL_REVIEW,
            "In internal review, due on 30 Mar 2026",
        ),
        "With the Commissioner Police": (
            BoardStage.COMMISSIONER,
            "With the Commissioner since 20 Feb 2026",
        ),
        "Answered Police": (BoardStage.ANSWERED, "Answered in full"),
        "Figures imported Police": (BoardStage.IMPORTED, "Figures imported"),
        "Figures verified Police": (BoardStage.VERIFIED, "Figures verified"),
    }


def test_it_shows_an_undelivered_request_and_one_whose_reply_awaits_confirmation(
    client, caseworker, campaign
):
    undelivered = overdue(campaign, ForceFactory(name="Bounced Police"), TODAY)
    undelivered.not_delivered_on = TODAY - timedelta(days=40)
    undelivered.save()
    replied = overdue(campaign, ForceFactory(name="Replied Police"), TODAY)
    Correspondence.objects.create(
        request=replied,
        direction=Correspondence.Direction.IN,
        kind=Correspondence.Kind.RESPONSE,
        kind_confirmed=False,  # only suggested
        state=Correspondence.State.RECEIVED,
        date=TODAY,
    )

    rows = rows_by_force(campaign)

    assert (rows["Bounced Police"].stage, rows["Bounced Police"].summary) == (
        BoardStage.NOT_DELIVERED,
        "Not delivered: a delivery failure came back on 21 Jan 2026",
    )
    assert (rows["Replied Police"].stage, rows["Replied Police"].summary) == (
        BoardStage.REPLY_TO_CONFIRM,
        "Reply received: confirm its kind (chasing paused)",
    )
    client.force_login(caseworker)
    assert stages_shown(board_html(client, campaign)) == ["not_delivered", "reply_to_confirm"]


def test_it_shows_a_flag_several_emails_carry_once(campaign):
    request = FOIRequestFactory(campaign=campaign, force=force("Gwent Police"))
    flag = "The email's Date header says 30 Jan 2026, before the request was sent. Check the date."
    for _ in range(3):
        Correspondence.objects.create(
            request=request, direction="in", kind="acknowledgement", date=TODAY,
            needs_attention=flag,
        )  # fmt: skip

    assert rows_by_force(campaign)["Gwent Police"].flags == (flag,)


def test_it_flags_the_draft_and_offers_the_due_chase_step_of_an_overdue_request(campaign):
    build_round(campaign, TODAY)

    rows = rows_by_force(campaign)

    assert rows["Draft to send by hand Police"].flags == (
        "No FOI email address for this force: send it by hand.",
    )
    assert rows["Overdue Police"].chase.kind == "second_chaser"  # 10 working days after due
    assert rows["Due Police"].chase is None
    assert rows["Due Police"].state.next_step.kind == "chaser"
    assert [name for name, row in rows.items() if row.may_import] == [
        "Answered Police",
        "Figures imported Police",
        "In internal review Police",
        "With the Commissioner Police",
    ]


def test_it_says_long_overdue_and_one_working_day_in_the_singular(campaign):
    late = overdue(campaign, ForceFactory(name="Silent Police"), TODAY - timedelta(days=40))
    row = board.board_rows(campaign, TODAY)[0]
    assert row.request == late
    assert row.summary.endswith("working days (long overdue)")

    one_day = FOIRequestFactory(campaign=CampaignFactory(), received_on=date(2026, 1, 19))
    [row] = board.board_rows(one_day.campaign, date(2026, 2, 17))  # due Mon 16 Feb 2026
    assert row.summary == "Overdue 1 working day"


def test_it_counts_the_forces_at_each_stage_in_the_rounds_order(campaign):
    build_round(campaign, TODAY)
    overdue(campaign, ForceFactory(name="Another Late Police"), TODAY)

    counts = board.stage_counts(board.board_rows(campaign, TODAY))

    assert counts[:6] == [
        (BoardStage.NOT_SENT, 1),
        (BoardStage.DRAFT, 1),
        (BoardStage.SENT, 1),
        (BoardStage.ACKNOWLEDGED, 1),
        (BoardStage.DUE, 1),
        (BoardStage.OVERDUE, 2),
    ]
    assert sum(count for _stage, count in counts) == 12


def test_it_filters_by_stage_and_nation(campaign):
    build_round(campaign, TODAY, nations={BoardStage.OVERDUE: Force.Nation.WALES})
    rows = board.board_rows(campaign, TODAY)

    welsh = board.filter_rows(rows, nation="wales")
    assert [row.request.force.name for row in welsh] == ["Overdue Police"]
    overdue_rows = board.filter_rows(rows, stage="overdue")
    assert [row.request.force.name for row in overdue_rows] == ["Overdue Police"]
    assert board.filter_rows(rows, stage="overdue", nation="england") == []


def test_it_reads_one_campaign_in_four_queries_however_many_forces(
    campaign, django_assert_num_queries
):
    build_many(campaign, 48, TODAY)
    build_many(CampaignFactory(), 5, TODAY)  # another round beside it

    # The requests with their figure counts, their correspondence, the emails waiting in
    # Unmatched replies (which may hold a chase), the extra non-working days.
    with django_assert_num_queries(4):
        rows = board.board_rows(campaign, TODAY)
    assert len(rows) == 48


# --- The page ---------------------------------------------------------------------------------


def page_url(campaign, query=""):
    return f"/admin/returns/campaign/{campaign.pk}/change/{query}"


def board_html(client, campaign, query=""):
    response = client.get(page_url(campaign, query))
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index('id="campaign-board"') : page.index("</section>")]


def stages_shown(html):
    return re.findall(r'<tr id="board-request-\d+" data-stage="(\w+)"', html)


def test_it_opens_the_campaign_page_on_its_board_above_the_form(client, caseworker, campaign):
    build_round(campaign, timezone.localdate())
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    assert page.index('id="campaign-board"') < page.index('id="campaign_form"')
    assert 'href="#campaign-details">Edit campaign</a>' in page
    for link in ["/returns/statistics/", "/sending/", "/clone/"]:
        assert link in page
    html = board_html(client, campaign)
    assert len(stages_shown(html)) == len(BUILDERS)
    assert 'data-stage="overdue" aria-current' not in html
    assert "All forces <strong>11</strong>" in html
    assert re.search(r'data-stage="overdue"[^>]*>Overdue <strong>1</strong>', html)


def test_it_filters_the_board_by_stage_and_nation_and_keeps_the_counts_of_the_nation(
    client, caseworker, campaign
):
    build_round(campaign, timezone.localdate(), nations={BoardStage.OVERDUE: "wales"})
    client.force_login(caseworker)

    assert stages_shown(board_html(client, campaign, "?stage=overdue")) == ["overdue"]
    welsh = board_html(client, campaign, "?nation=wales")
    assert stages_shown(welsh) == ["overdue"]
    assert "All forces <strong>1</strong>" in welsh
    assert "No force matches these filters." in board_html(
        client, campaign, "?stage=verified&nation=wales"
    )
    assert len(stages_shown(board_html(client, campaign, "?stage=nonsense"))) == len(BUILDERS)


def buttons(html):
    """{kind of button: [stage of its row]}"""
    found = {}
    for stage, cell in re.findall(r'data-stage="(\w+)">(.*?)</tr>', html, re.S):
        for kind in re.findall(r'class="button (\w+)"', cell):
            found.setdefault(kind, []).append(stage)
    return found


def test_it_shows_a_caseworker_the_send_chase_and_import_buttons(client, caseworker, campaign):
    requests = build_round(campaign, timezone.localdate())
    client.force_login(caseworker)

    html = board_html(client, campaign)

    assert 'value="Send the round: 2 unsent requests…"' in html
    assert buttons(html) == {
        "chase": ["overdue"],
        "import": ["answered", "imported", "internal_review", "commissioner"],
    }
    overdue_id = requests[BoardStage.OVERDUE].pk
    assert f"/returns/overdue/?confirm={overdue_id}#confirm-step" in html
    assert f"/admin/returns/figure/import-table/{requests[BoardStage.ANSWERED].pk}/" in html


def test_it_shows_a_verifier_only_the_verify_button(client, verifier, campaign):
    requests = build_round(campaign, timezone.localdate())
    client.force_login(verifier)

    html = board_html(client, campaign)

    assert "Send the round" not in html
    assert buttons(html) == {"verify": ["imported"]}
    imported_id = requests[BoardStage.IMPORTED].pk
    assert f"/admin/returns/foirequest/{imported_id}/change/#verify-panel" in html
    assert "Verify 1 figure…" in html
    assert (
        'href="#campaign-details">Campaign details</a>'
        in client.get(page_url(campaign)).content.decode()
    )


def test_it_sends_the_round_from_the_board_through_the_confirmation(client, caseworker, campaign):
    build_round(campaign, timezone.localdate())
    client.force_login(caseworker)

    response = client.post(
        "/admin/returns/campaign/",
        {"action": "send_unsent_requests", "_selected_action": campaign.pk},
    )

    assert response.status_code == 200
    assert "Send the requests?" in response.content.decode()
    assert FOIRequest.objects.filter(campaign=campaign).unsent().count() == 2  # nothing sent yet


def test_it_hides_the_send_button_once_every_request_is_sent(client, caseworker, campaign):
    due(campaign, ForceFactory(), timezone.localdate())
    client.force_login(caseworker)
    assert "Send the round" not in board_html(client, campaign)


def test_it_refuses_the_board_to_staff_in_no_role(client, outsider, campaign):
    build_round(campaign, timezone.localdate())
    client.force_login(outsider)
    assert client.get(page_url(campaign)).status_code == 403


def queries_for_page(client, campaign):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_url(campaign)).status_code == 200
    return len(queries)


def test_it_renders_the_page_in_as_many_queries_for_48_forces_as_for_5(client, caseworker):
    today = timezone.localdate()
    small, large = CampaignFactory(), CampaignFactory()
    build_many(small, 5, today)
    build_many(large, 48, today)
    client.force_login(caseworker)
    queries_for_page(client, small)  # the first request warms the session and content types

    assert queries_for_page(client, large) == queries_for_page(client, small)


# --- In a real browser ------------------------------------------------------------------------


@pytest.fixture
def browser():
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("needs chromium and chromedriver (scripts/test installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the server's own connection
def test_it_fits_the_board_of_a_full_round_in_1400_pixels(live_server, browser, caseworker):
    from selenium.webdriver.common.by import By

    campaign = CampaignFactory(title="Online child sexual offences 2026")
    build_round(campaign, timezone.localdate())
    build_many(campaign, 37, timezone.localdate())
    client = Client()
    client.force_login(caseworker)
    browser.get(live_server.url + "/admin/login/")
    browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})

    browser.get(live_server.url + page_url(campaign))

    rows = browser.find_elements(By.CSS_SELECTOR, "#campaign-board tbody tr")
    assert len(rows) == 48
    assert browser.find_element(By.ID, "send-round").is_displayed()
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    board_right = browser.execute_script(
        "return document.getElementById('campaign-board').getBoundingClientRect().right"
    )
    assert board_right <= browser.execute_script("return document.documentElement.clientWidth")


def test_it_shows_as_acknowledged_a_force_that_acknowledged_without_a_reference():
    campaign = CampaignFactory()
    foi_request = due(campaign, Force.objects.get(name="Merseyside Police"), TODAY)
    Correspondence.objects.create(
        request=foi_request,
        direction=Correspondence.Direction.IN,
        kind=Correspondence.Kind.ACKNOWLEDGEMENT,
        date=TODAY,
        kind_confirmed=False,
    )

    (row,) = board.board_rows(campaign, TODAY)

    assert (row.stage, row.summary) == (BoardStage.ACKNOWLEDGED, "Acknowledged, due on 31 Mar 2026")
