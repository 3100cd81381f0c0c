"""The staff pages checked with axe-core in a real browser: no "serious" or "critical" violation.

axe.min.js comes from the npm package axe-core, which scripts/test installs into .axe/ (AXE_JS)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from returns import snapshots
from returns.importing.service import import_long
from tests.journeys.conftest import click_through, log_in, needs_chromium, wait_for
from tests.returns.files.helpers import HERE as FILES
from tests.returns.files.helpers import csv_bytes, make_campaign

AXE_JS = Path(os.environ.get("AXE_JS", ".axe/node_modules/axe-core/axe.min.js"))
pytestmark = [
    needs_chromium,
    pytest.mark.browser,
    pytest.mark.skipif(not AXE_JS.exists(), reason="needs axe-core (scripts/test installs it)"),
]
SERIOUS = {"serious", "critical"}
# Django's own SelectFilter2.js (the exemptions picker) draws a search icon <span> with an
# aria-label but no role (aria-prohibited-attr). The script builds it, no template of ours does:
# only that icon is left out.
NOT_OURS = [[".selector-filter label > .search-label-icon.help-tooltip"]]


def axe_violations(driver):
    """Runs axe-core on the page the browser shows; the serious and critical violations."""
    driver.execute_script(AXE_JS.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run({exclude: arguments[0]})"
        ".then(r => done(r.violations), e => done({error: String(e)}));",
        NOT_OURS,
    )
    assert "error" not in result, result
    return [v for v in result if v["impact"] in SERIOUS]


def described(page, violations):
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:8])
        lines.append(f"{page}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {targets}")
    return lines


def staff_pages(campaign, foi_request):
    return {
        "admin index": reverse("admin:index"),
        "campaigns list": reverse("admin:returns_campaign_changelist"),
        "campaign board": reverse("admin:returns_campaign_change", args=[campaign.pk]),
        "request page": reverse("admin:returns_foirequest_change", args=[foi_request.pk]),
        "figures list": reverse("admin:returns_figure_changelist"),
        "figure import": reverse("admin:returns_figure_import"),
        "overdue board": reverse("returns:overdue_board"),
        "statistics page": reverse("returns:statistics_page", args=[campaign.slug]),
        "datasets page": reverse("returns:datasets_index"),
        "forces list": reverse("admin:forces_force_changelist"),
        "unmatched replies": reverse("admin:returns_unmatchedreply_changelist"),
    }


def test_it_finds_no_serious_accessibility_violation_on_the_staff_pages(
    django_db_serialized_rollback, live_server, open_browser, administrator, caseworker
):
    campaign = make_campaign()
    figures = csv_bytes(
        "Northumbria,2015/16,online_child_sexual_offences,,,98,",
        "Northumbria,2016/17,,,,323,",
        "Durham Constabulary,2016/17,,,,190,",
    )
    assert import_long(campaign, figures, "returns.csv", caseworker).ok
    snapshots.recompute(campaign.pk)
    foi_request = campaign.requests.get(force__name="Northumbria Police")
    browser = open_browser()
    log_in(browser, live_server, administrator)

    found = []
    for page, path in staff_pages(campaign, foi_request).items():
        browser.get(live_server.url + path)
        wait_for(browser, "#content")
        found += described(page, axe_violations(browser))

    # The force-table import preview: a page only an upload reaches.
    browser.get(
        live_server.url + reverse("admin:returns_figure_import_table", args=[foi_request.pk])
    )
    wait_for(browser, "#id_table").send_keys(str(FILES / "northumbria_ages.csv"))
    click_through(
        browser, browser.find_element("css selector", "#content input[type=submit][value=Preview]")
    )
    wait_for(browser, "input[name=confirm]")
    found += described("force-table import preview", axe_violations(browser))

    assert not found, "\n".join(found)
