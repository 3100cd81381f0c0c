"""Unmatched replies at a laptop's width: every column in view, no sideways scrollbar."""

import pytest
from django.urls import reverse

from returns.models import InboundMessage
from returns.replies.store import ingest
from tests.factories import FOIRequestFactory, force
from tests.journeys.conftest import click_through, log_in, needs_chromium, screenshot, wait_for
from tests.journeys.test_accessibility import AXE_JS, axe_violations, described

pytestmark = [needs_chromium, pytest.mark.browser]
WIDTH = 1300


def sideways(driver, css):
    """How far `css` (or the page, for None) scrolls sideways: 0 when it fits."""
    return driver.execute_script(
        "const e = arguments[0] ? document.querySelector(arguments[0])"
        " : document.documentElement; return e.scrollWidth - e.clientWidth;",
        css,
    )


def unmatched_emails():
    for name in ("Dyfed-Powys Police", "Dyfed-Powys Police", "Durham Constabulary"):
        FOIRequestFactory(force=force(name))
    FOIRequestFactory(force=force("Durham Constabulary"))
    senders = [
        "freedom.of.information.requests@dyfed-powys.police.uk",
        "information.compliance.and.disclosure@durham.police.uk",
        "weekly-newsletter-no-reply@mailing.some-long-charity-sector-newsletter.example",
    ]
    for number, sender in enumerate(senders):
        raw = (
            f"From: {sender}\r\nTo: foi@charity.example\r\nMessage-ID: <wide-{number}@x>\r\n"
            "Subject: RE: Freedom of Information Act 2000 request for information reference "
            "FOI/2026/001234 - online child sexual offences recorded 2022/23 and 2023/24 "
            "(Our reference: DP-2026-FOI-0001234-A)\r\n\r\nPlease find attached our response.\r\n"
        ).encode()
        message = ingest(raw, "file").message
        message.problem = (
            "MIME structure is broken: a part's boundary was never closed; the text was read as "
            "far as it went. Attachments refused: Response_FOI_2026_001234_all_tables.xlsm: "
            "not an accepted type"
        )
        message.save()
    assert InboundMessage.objects.filter(correspondence__isnull=True).count() == 3


def test_the_unmatched_replies_list_fits_a_laptop_screen(
    django_db_serialized_rollback, live_server, open_browser, caseworker
):
    unmatched_emails()
    browser = open_browser()
    browser.set_window_size(WIDTH, 900)
    log_in(browser, live_server, caseworker)

    for name, page in (
        ("admin:returns_unmatchedreply_changelist", "layout-unmatched-replies"),
        ("admin:returns_inboundmessage_changelist", "layout-received-emails"),
    ):
        browser.get(live_server.url + reverse(name))
        wait_for(browser, "#result_list")
        screenshot(browser, page)  # at the screenshots' own width
        browser.set_window_size(WIDTH, 900)

        assert sideways(browser, "#changelist .results") <= 0, page
        assert sideways(browser, None) <= 0, page
        problem = browser.find_element("css selector", "#result_list td.field-problem_flag")
        assert problem.rect["x"] + problem.rect["width"] <= WIDTH, page


@pytest.mark.skipif(not AXE_JS.exists(), reason="needs axe-core (scripts/test installs it)")
def test_it_sets_aside_a_newsletter_through_the_confirmation_page_in_a_browser(
    django_db_serialized_rollback, live_server, open_browser, caseworker
):
    from selenium.webdriver.support.ui import Select

    unmatched_emails()
    newsletter = InboundMessage.objects.get(sender__startswith="weekly-newsletter")
    browser = open_browser()
    log_in(browser, live_server, caseworker)
    browser.get(
        live_server.url + reverse("admin:returns_unmatchedreply_change", args=[newsletter.pk])
    )
    wait_for(browser, "#file-under")
    assert not browser.find_elements("css selector", "input[name=_save]")
    assert described("email page", axe_violations(browser)) == []

    browser.get(live_server.url + reverse("admin:returns_unmatchedreply_changelist"))
    wait_for(browser, "#result_list")
    assert described("unmatched replies", axe_violations(browser)) == []
    browser.find_element(
        "css selector", f"input[name=_selected_action][value='{newsletter.pk}']"
    ).click()
    Select(browser.find_element("css selector", "select[name=action]")).select_by_value(
        "set_aside_selected"
    )
    click_through(browser, browser.find_element("css selector", "button[name=index]"))
    wait_for(browser, "input[value='Set aside']")
    screenshot(browser, "unmatched-set-aside-confirm")
    assert described("set aside confirmation", axe_violations(browser)) == []
    click_through(browser, browser.find_element("css selector", "input[value='Set aside']"))
    wait_for(browser, "#result_list")

    newsletter.refresh_from_db()
    assert newsletter.set_aside_by == caseworker
    rows = browser.find_elements("css selector", "#result_list tbody tr")
    assert len(rows) == 2
