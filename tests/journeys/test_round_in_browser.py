"""The whole round in a real browser, as staff live it (issue 14): an administrator creates the
campaign, a caseworker imports a force's table and a long returns file, a data verifier verifies
the figures, reads the statistics and downloads the dataset. A screenshot of each step goes to
test-artifacts/screenshots/."""

import csv
import io

import pytest
from django.urls import reverse

from returns import snapshots
from returns.models import Campaign, Figure
from tests.journeys.conftest import (
    click_through,
    log_in,
    needs_chromium,
    screenshot,
    wait_for,
    wait_until,
)
from tests.returns.files.helpers import HERE as FILES

pytestmark = [needs_chromium, pytest.mark.browser]

NORTHUMBRIA_TABLE = FILES / "northumbria_ages.csv"
LONG_FILE = (  # two other forces' headline totals, one a line (docs/file-formats.md)
    "force,period,measure,breakdown,category,value,note\n"
    "Durham Constabulary,2015/16,online_child_sexual_offences,,,150,\n"
    "Durham Constabulary,2016/17,,,,190,\n"
    "West Mercia,2015/16,,,,114,\n"
    'West Mercia,2016/17,,,,"1,213",\n'
)


def message(driver):
    return wait_for(driver, "ul.messagelist").text


def test_it_walks_the_round_from_an_empty_campaign_to_a_downloaded_dataset(
    django_db_serialized_rollback, live_server, open_browser, tmp_path,
    administrator, caseworker, verifier,
):  # fmt: skip
    url = live_server.url

    # --- The administrator creates the campaign (sent outside the app, so no mail).
    ada = open_browser()
    log_in(ada, live_server, administrator)
    assert "FOI rounds, returns and statistics" in wait_for(ada, "#content h1").text
    screenshot(ada, "01-administrator-home")
    ada.get(url + reverse("admin:returns_campaign_add"))
    wait_for(ada, "#id_title").send_keys("Online child sexual offences")
    wait_until(ada, lambda: ada.find_element("id", "id_slug").get_attribute("value"))
    assert ada.find_element("id", "id_slug").get_attribute("value") == (
        "online-child-sexual-offences"
    )
    ada.find_element("id", "id_measure").send_keys("online_child_sexual_offences")
    ada.find_element("id", "id_periods").send_keys("2015/16, 2016/17")
    checked = ada.find_elements("css selector", "input[name=nations]:checked")
    assert sorted(box.get_attribute("value") for box in checked) == ["england", "wales"]
    ada.find_element("id", "id_sent_on").send_keys("2026-01-05")
    screenshot(ada, "02-campaign-form")
    click_through(ada, ada.find_element("css selector", "input[name=_continue]"))
    campaign = wait_until(ada, lambda: Campaign.objects.filter(slug__startswith="online").first())
    asked = campaign.requests.count()
    assert asked == 43  # the active forces of England and Wales
    assert f"{asked} requests created, one per force." in message(ada)
    board = wait_for(ada, "#campaign-board").text
    assert f"All forces {asked}" in board and "Northumbria Police" in board
    screenshot(ada, "03-campaign-board")

    # --- A caseworker, in a browser of her own, imports Northumbria's table ...
    casey = open_browser()
    log_in(casey, live_server, caseworker)
    northumbria = campaign.requests.get(force__name="Northumbria Police")
    casey.get(url + reverse("admin:returns_campaign_change", args=[campaign.pk]))
    click_through(casey, wait_for(casey, f"#board-request-{northumbria.pk} th a"))
    assert "Northumbria Police" in wait_for(casey, "#content").text
    assert "Change FOI request" in casey.find_element("css selector", "#content h1").text
    screenshot(casey, "04-caseworker-request-page")
    click_through(
        casey, casey.find_element("css selector", ".object-tools a[href*='/import-table/']")
    )
    wait_for(casey, "#id_table").send_keys(str(NORTHUMBRIA_TABLE))
    click_through(
        casey, casey.find_element("css selector", "#content input[type=submit][value=Preview]")
    )
    assert "How the table was read" in wait_for(casey, "#content").text
    screenshot(casey, "05-force-table-preview")
    click_through(casey, casey.find_element("css selector", "input[name=confirm]"))
    imported = message(casey)  # waits for the page after the confirm
    table_figures = Figure.objects.filter(request=northumbria)
    assert f"Imported Northumbria Police's table: {table_figures.count()} created" in imported
    assert table_figures.get(period="2016/17", breakdown="", category="").value == 330
    assert table_figures.get(period="2016/17", breakdown="victim_age", category="13").value == 71
    screenshot(casey, "06-force-table-imported")

    # ... and a long returns file through Figures -> Import.
    long_file = tmp_path / "returns.csv"
    long_file.write_text(LONG_FILE)
    casey.get(url + reverse("admin:returns_figure_changelist"))
    click_through(casey, wait_for(casey, "a.import_link, a[href$='import/']"))
    wait_for(casey, "#id_import_file").send_keys(str(long_file))
    screenshot(casey, "07-figures-import-form")
    click_through(casey, casey.find_element("css selector", "#content form input[type=submit]"))
    preview = wait_for(casey, "input[name=confirm], #content .errornote").text
    assert not casey.find_elements("css selector", "#content .errornote"), preview
    assert "Durham" in casey.find_element("id", "content").text
    screenshot(casey, "08-figures-import-preview")
    click_through(casey, casey.find_element("css selector", "input[name=confirm]"))
    assert "Import finished" in message(casey)
    assert Figure.objects.get(
        request__force__name="West Mercia Police", period="2016/17"
    ).value == (1213)
    screenshot(casey, "09-figures-imported")

    # --- A data verifier verifies Northumbria's figures from its request page ...
    vera = open_browser()
    log_in(vera, live_server, verifier)
    vera.get(url + reverse("admin:returns_foirequest_change", args=[northumbria.pk]))
    panel = wait_for(vera, "#verify-panel")
    button = panel.find_element("css selector", "input[type=submit]")
    count = table_figures.count()
    assert button.get_attribute("value") == f"Verify {count} figures against the reply"
    assert "Import a force's table" not in vera.find_element("id", "content").text
    screenshot(vera, "10-verifier-request-page")
    click_through(vera, button)
    assert message(vera).startswith(f"Northumbria Police: {count} verified")
    assert not table_figures.filter(verified_at=None).exists()
    screenshot(vera, "11-request-figures-verified")

    # ... the rest from the figures list, with its bulk action.
    vera.get(url + reverse("admin:returns_figure_changelist") + "?verified=no")
    assert "4 figures" in wait_for(vera, "#changelist-form .paginator").text  # the long file's
    vera.find_element("id", "action-toggle").click()
    vera.find_element(
        "css selector", "select[name=action] option[value=verify_selected_figures]"
    ).click()
    screenshot(vera, "12-figures-list-verify")
    click_through(vera, vera.find_element("css selector", "button[name=index]"))
    # The confirmation page: the count, and any open warnings to decide on first.
    confirm = wait_for(vera, "#content form input[type=submit].default")
    # West Mercia's 114 -> 1,213 is flagged: she checked it against the reply, so acknowledges.
    warned = vera.find_elements("css selector", "#open-warnings ~ table tbody tr")
    assert [row.text.split(",")[0] for row in warned] == ["West Mercia Police"]
    for radio in vera.find_elements("css selector", "td.decision input[value=acknowledge]"):
        radio.click()
    screenshot(vera, "13-verify-confirmation")
    click_through(vera, confirm)
    assert message(vera).startswith("4 verified")
    assert not Figure.objects.filter(request__campaign=campaign, verified_at=None).exists()
    screenshot(vera, "14-all-figures-verified")

    vera.get(url + reverse("admin:returns_campaign_change", args=[campaign.pk]))
    row = wait_for(vera, f"#board-request-{northumbria.pk}")
    assert row.find_element("css selector", ".figures").text == f"{count} of {count} verified"
    assert row.find_element("css selector", ".stage").text.startswith("✓")
    screenshot(vera, "15-campaign-board-verified")

    # --- The statistics, once the worker has recomputed them, and the dataset.
    snapshots.recompute(campaign.pk)  # what the worker does after the verification commits
    vera.get(url + reverse("returns:statistics_page", args=[campaign.slug]))
    assert wait_for(vera, "#total").text == "1,733"  # 330 + 190 + 1,213 in 2016/17
    assert wait_for(vera, "#coverage").text == "3 of 43 forces answered"
    screenshot(vera, "16-statistics")
    vera.get(url + reverse("returns:dataset_download", args=[campaign.slug]))
    assert "of" in wait_for(vera, "#dataset-download").text
    screenshot(vera, "17-dataset-download")
    vera.find_element("css selector", "#dataset-download input[type=submit]").click()
    saved = wait_until(vera, lambda: [p for p in vera.download_dir.glob("*.csv")])
    rows = list(csv.DictReader(io.StringIO(saved[0].read_text(encoding="utf-8-sig"))))
    assert len(rows) == Figure.objects.filter(request__campaign=campaign).count()
    totals = {(row["force"], row["period"]): row["value"] for row in rows if not row["breakdown"]}
    assert totals["West Mercia Police", "2016/17"] == "1213"
    assert totals["Northumbria Police", "2016/17"] == "330"
