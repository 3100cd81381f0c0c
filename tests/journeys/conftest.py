"""Real-browser journeys: headless Chromium through selenium, one browser per staff user, a
screenshot of each step kept in test-artifacts/screenshots/ (CI keeps that folder)."""

import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery"  # tests/factories.py UserFactory
# Flags that keep Chromium quiet and offline on a build machine (no GPU, no sandbox as root).
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)

needs_chromium = pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("chromedriver")),
    reason="needs chromium and chromedriver (scripts/test installs them)",
)


@pytest.fixture(autouse=True, scope="session")
def _fresh_screenshots():
    """Only this run's screenshots in the folder, none left from an earlier one."""
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()


@pytest.fixture
def open_browser(tmp_path):
    """Opens a new Chromium, with its own profile and download folder, for each call."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers = []

    def open_one():
        number = len(drivers) + 1
        downloads = tmp_path / f"downloads-{number}"
        downloads.mkdir()
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={tmp_path / f'profile-{number}'}")
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        driver.download_dir = downloads
        drivers.append(driver)
        return driver

    yield open_one
    for driver in drivers:
        driver.quit()


def wait_for(driver, css, timeout=15):
    """The first element matching `css`, once it is there and visible."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        shown.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def wait_until(driver, condition, timeout=15):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda _: condition())


def log_in(driver, live_server, user):
    """Through the admin's login form, as staff do."""
    driver.get(live_server.url + "/admin/login/")
    wait_for(driver, "#id_username").send_keys(user.username)
    driver.find_element("css selector", "#id_password").send_keys(PASSWORD)
    click_through(driver, driver.find_element("css selector", "#login-form input[type=submit]"))
    wait_for(driver, "#user-tools")


def screenshot(driver, step):
    """Saves the whole page as test-artifacts/screenshots/<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(height, 1000), 6000))
    driver.save_screenshot(str(SCREENSHOTS / f"{step}.png"))
    driver.set_window_size(1400, 1000)


def click_through(driver, element, timeout=15):
    """Clicks a link or button that loads a page, and waits until the old page is gone."""
    from selenium.webdriver.support.ui import WebDriverWait

    element.click()
    WebDriverWait(driver, timeout).until(lambda _: is_gone(element))


def is_gone(element):
    """selenium's staleness_of, also when Chromium, asked in the middle of the navigation,
    answers that the element's node "does not belong to the document" (a plain
    WebDriverException rather than a stale element)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise
    return False
