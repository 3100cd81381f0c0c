"""The statistics page in a real browser (headless Chromium): figures, sorting, a drawn chart."""

import shutil

import pytest
from django.test import Client
from django.urls import reverse

from returns import snapshots
from tests.returns.statistics_fixtures import press_round

pytestmark = pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("chromedriver")),
    reason="needs chromium and chromedriver (scripts/test installs them)",
)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--window-size=1280,2000"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def log_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    browser.get(live_server.url + "/admin/login/")
    browser.add_cookie(
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"}
    )


def test_it_shows_sorts_and_draws_in_a_browser(
    django_db_serialized_rollback, live_server, browser, caseworker, verifier
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    campaign = press_round(caseworker, verifier)
    snapshots.recompute(campaign.pk)
    log_in(browser, live_server, caseworker)

    browser.get(live_server.url + reverse("returns:statistics_page", args=[campaign.slug]))

    assert browser.find_element(By.ID, "total").text == "5,653"
    assert browser.find_element(By.ID, "reporting").text == "from 39 forces"
    assert browser.find_element(By.ID, "coverage").text == "42 of 43 forces answered"
    assert browser.find_element(By.ID, "per-day").text == "15.5"
    chart = browser.find_element(By.CSS_SELECTOR, "#chart-ages img")
    WebDriverWait(browser, 20).until(
        lambda driver: driver.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0", chart
        )
    )

    def first_force():
        return browser.find_element(By.CSS_SELECTOR, "#force-table tbody tr th").text

    assert first_force().startswith("Avon and Somerset")  # name order to begin with
    heading = browser.find_element(By.XPATH, "//table[@id='force-table']//th[text()='2016/17']")
    heading.click()
    assert heading.get_attribute("aria-sort") == "ascending"
    ascending = first_force()
    heading.click()
    assert heading.get_attribute("aria-sort") == "descending"
    assert first_force().startswith("Northumbria Police")  # 323, the largest total
    assert ascending != first_force()


def test_it_updates_itself_when_the_statistics_are_recomputed(
    django_db_serialized_rollback, live_server, browser, caseworker, verifier, monkeypatch
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    campaign = press_round(caseworker, verifier)  # never computed: out of date
    asked = []
    monkeypatch.setattr(snapshots, "_enqueue", asked.append)  # no worker here: recomputed below
    log_in(browser, live_server, caseworker)
    browser.get(live_server.url + reverse("returns:statistics_page", args=[campaign.slug]))
    banner = browser.find_element(By.ID, "stale-banner")
    assert "being computed now" in banner.text and "updates itself" in banner.text
    assert not browser.find_elements(By.ID, "total")

    snapshots.recompute(campaign.pk)  # what the worker does

    WebDriverWait(browser, 30).until(
        lambda driver: (
            [element.text for element in driver.find_elements(By.ID, "total")] == ["5,653"]
        )
    )
    assert not browser.find_elements(By.ID, "stale-banner")
    assert browser.find_element(By.ID, "coverage").text == "42 of 43 forces answered"
    assert asked == [campaign.pk]  # the page asked for the recompute, once
