"""A request's page in a real browser after the force's replies come in: staff confirm a
clarification question and answer it by email (the force's clock starts again), and change a
confirmed "final response" that was only an acknowledgement (chasing resumes). A screenshot of
each step goes to test-artifacts/screenshots/."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from returns import stages
from returns.dates import en_gb
from returns.models import FOIRequest
from returns.replies.store import ingest
from tests.factories import FOIRequestFactory, force
from tests.journeys.conftest import click_through, log_in, needs_chromium, screenshot, wait_for

pytestmark = [needs_chromium, pytest.mark.browser]


def reply_to(request, body, number):
    raw = (
        f"From: Freedom of Information <freedomofinformation@gwent.police.uk>\r\n"
        f"To: foi+{request.reply_token}@charity.example\r\n"
        f"Date: {timezone.now():%a, %d %b %Y %H:%M:%S +0000}\r\n"
        f"Message-ID: <reply-{number}@gwent.police.uk>\r\n"
        f"Subject: RE: Freedom of Information request [{request.our_reference}]\r\n\r\n{body}\r\n"
    ).encode()
    return ingest(raw, "mailbox").message.correspondence


def request_page(browser, live_server, request):
    browser.get(live_server.url + reverse("admin:returns_foirequest_change", args=[request.pk]))
    return wait_for(browser, "#content")


def banner(browser):
    return wait_for(browser, "#case-status").text


@pytest.fixture(name="gwent_request")
def gwent_request_fixture():
    gwent = force("Gwent Police")
    gwent.foi_email = "freedomofinformation@gwent.police.uk"
    gwent.save()
    return FOIRequestFactory(force=gwent, sent_on=date(2026, 11, 2), received_on=date(2026, 11, 2))


def test_it_confirms_a_clarification_and_emails_our_answer_from_the_request_page(
    django_db_serialized_rollback, live_server, open_browser, caseworker, smtp_server,
    gwent_request,
):  # fmt: skip
    reply_to(
        gwent_request,
        "Thank you for your request. Before we can progress your request, could you please "
        "clarify which offences you mean by 'online'?",
        1,
    )
    browser = open_browser()
    log_in(browser, live_server, caseworker)
    request_page(browser, live_server, gwent_request)
    screenshot(browser, "request-01-clarification-suggested")

    click_through(browser, browser.find_element("css selector", "button[name=kind]"))
    assert "Clock stopped" in banner(browser)
    screenshot(browser, "request-02-clarification-confirmed")

    click_through(
        browser, browser.find_element("css selector", "a[href$='/answer-clarification/']")
    )
    wait_for(browser, "#id_answer").send_keys("We mean offences flagged 'online' in your records.")
    assert browser.find_element("id", "id_send").is_selected()  # emailed, not sent by hand
    screenshot(browser, "request-03-answer-form")
    click_through(browser, browser.find_element("css selector", "#content form [type=submit]"))

    today = timezone.localdate()
    request = FOIRequest.objects.get(pk=gwent_request.pk)
    assert request.clarification_received_on == today
    assert request.status == FOIRequest.Status.AWAITING
    assert f"has our clarification from {en_gb(today)}" in wait_for(browser, ".messagelist").text
    assert f"Due {en_gb(request.due_date)}" in banner(browser)
    assert "when the force had our clarification" in banner(browser)
    [sent] = smtp_server.to("freedomofinformation@gwent.police.uk")
    assert request.our_reference in sent["Subject"]
    assert "offences flagged 'online'" in sent.get_content()
    screenshot(browser, "request-04-clarification-answered")


def test_it_changes_a_confirmed_response_that_was_only_an_acknowledgement(
    django_db_serialized_rollback, live_server, open_browser, caseworker, gwent_request
):
    from selenium.webdriver.support.ui import Select

    reply_to(gwent_request, "Please find attached our response to your request.", 2)
    browser = open_browser()
    log_in(browser, live_server, caseworker)
    request_page(browser, live_server, gwent_request)
    click_through(browser, browser.find_element("css selector", "button[name=kind]"))
    assert FOIRequest.objects.get(pk=gwent_request.pk).responded_on == timezone.localdate()
    assert "Final response received" in banner(browser)

    change = browser.find_element("xpath", "//label[contains(., 'Not right? Change to')]//select")
    old_page = browser.find_element("css selector", "#content")
    Select(change).select_by_visible_text("Acknowledgement")
    wait_for(browser, ".messagelist")
    assert old_page.id != browser.find_element("css selector", "#content").id
    screenshot(browser, "request-05-response-changed-to-acknowledgement")

    request = FOIRequest.objects.get(pk=gwent_request.pk)
    assert request.responded_on is None
    assert "Confirmed as" in browser.find_element("css selector", "#content").text
    assert stages.stage_of(request, timezone.localdate()).code != stages.StageCode.ANSWERED
    assert "Final response received" not in banner(browser)
