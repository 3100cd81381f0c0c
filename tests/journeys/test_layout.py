"""Pages staff read all day, at a laptop's width: no sideways scrolling, nothing overlapping."""

import pytest
from django.urls import reverse

from tests.journeys.conftest import log_in, needs_chromium, screenshot, wait_for
from tests.returns.files.helpers import make_campaign

pytestmark = [needs_chromium, pytest.mark.browser]
WIDTH = 1400


def overflow(driver):
    return driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def boxes_overlap(driver, first_css, second_css):
    return driver.execute_script(
        """
        const a = document.querySelector(arguments[0]), b = document.querySelector(arguments[1]);
        if (!a || !b) return null;
        const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
        return !(r.right <= s.left || s.right <= r.left || r.bottom <= s.top || s.bottom <= r.top);
        """,
        first_css,
        second_css,
    )


def test_the_requests_list_and_a_request_page_fit_a_laptop_screen(
    django_db_serialized_rollback, live_server, open_browser, caseworker
):
    campaign = make_campaign()
    foi_request = campaign.requests.get(force__name="Northumbria Police")
    browser = open_browser()
    browser.set_window_size(WIDTH, 900)
    log_in(browser, live_server, caseworker)

    browser.get(live_server.url + reverse("admin:returns_foirequest_changelist"))
    wait_for(browser, "#result_list")
    screenshot(browser, "layout-requests-list")
    assert overflow(browser) <= 0

    browser.get(live_server.url + reverse("admin:returns_foirequest_change", args=[foi_request.pk]))
    wait_for(browser, "#content h1")
    screenshot(browser, "layout-request-page")
    assert boxes_overlap(browser, "#content h1", ".object-tools") in (False, None)
    assert overflow(browser) <= 0
