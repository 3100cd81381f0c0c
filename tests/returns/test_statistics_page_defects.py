"""The statistics page as a new user read it (issue 14): no `None`, words that count right,
why a force has no total, one way of writing numbers and times, and a page that keeps itself
up to date."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from forces.models import Under18Population
from returns import snapshots
from returns.models import Campaign, Figure, FOIRequest
from returns.statistics import build_statistics, press_sentence
from tests.factories import CampaignFactory, FigureFactory, FOIRequestFactory, force
from tests.returns.statistics_fixtures import press_round

DB = pytest.mark.django_db


def page_url(campaign, **query):
    url = reverse("returns:statistics_page", args=[campaign.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def verified(verifier):
    return {"verified_by": verifier, "verified_at": timezone.now()}


def small_round(caseworker, verifier):
    """Three forces asked: Northumbria reports 1,344 then 2,000 (verified), Durham's figure is
    not held, Cumbria never replied."""
    campaign = CampaignFactory(slug="small-round")
    northumbria = FOIRequestFactory(campaign=campaign, force=force("Northumbria Police"))
    durham = FOIRequestFactory(campaign=campaign, force=force("Durham Constabulary"))
    FOIRequestFactory(campaign=campaign, force=force("Cumbria Constabulary"))
    for period, value in (("2015/16", 1344), ("2016/17", 2000)):
        FigureFactory(
            request=northumbria, period=period, value=value, entered_by=caseworker,
            **verified(verifier),
        )  # fmt: skip
    FigureFactory(
        request=durham, period="2016/17", status=Figure.Status.NOT_HELD, value=None,
        entered_by=caseworker, **verified(verifier),
    )  # fmt: skip
    snapshots.recompute(campaign.pk)
    return campaign


# --- `None` and "1 forces" -------------------------------------------------------------------


@DB
def test_it_prints_no_none_before_anything_is_verified(client, caseworker):
    campaign = CampaignFactory()
    request = FOIRequestFactory(campaign=campaign)
    FigureFactory(request=request, period="2015/16", value=98, entered_by=caseworker)
    FigureFactory(request=request, period="2016/17", value=323, entered_by=caseworker)
    snapshots.recompute(campaign.pk)
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    assert "None" not in page
    assert "No force has reported a total for 2016/17 yet." in page


@DB
def test_it_says_one_force_not_one_forces(client, caseworker, verifier):
    campaign = small_round(caseworker, verifier)
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    assert not re.search(r"\b1 forces\b", page)
    assert "from 1 force" in page
    assert "by 1 force." in page  # the press sentence


def test_it_writes_one_force_in_the_press_sentence():
    row = {
        "period": "2016/17", "days": 365, "forces_asked": 1, "forces_reporting": 1,
        "total": 2000, "per_day": 5.5, "previous_period": "2015/16", "previous_total": 1344,
        "previous_forces_reporting": 1, "change_pct": 48.8,
    }  # fmt: skip
    payload = {"measure": "online_child_sexual_offences", "periods": [row]}
    sentence = press_sentence(payload, "2016/17")
    assert "from 1 of 1 force," in sentence
    assert "the 1,344 recorded in 2015/16 by 1 force." in sentence


# --- Who answered ---------------------------------------------------------------------------


@DB
def test_it_counts_a_force_answered_in_full_as_answered(client, caseworker):
    campaign = CampaignFactory()
    FOIRequestFactory(
        campaign=campaign,
        status=FOIRequest.Status.ANSWERED,
        outcome=FOIRequest.Outcome.FULL,
        responded_on=datetime.date(2026, 1, 20),
    )
    FOIRequestFactory(campaign=campaign, force=force("Durham Constabulary"))
    snapshots.recompute(campaign.pk)
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    assert "1 of 2 forces answered" in page
    assert "0 of 2 forces answered" not in page


@DB
def test_it_counts_a_force_that_returned_figures_as_answered():
    campaign = CampaignFactory()
    with_figures = FOIRequestFactory(campaign=campaign)
    FigureFactory(request=with_figures)  # not verified: still an answer
    FOIRequestFactory(campaign=campaign, force=force("Durham Constabulary"))
    withdrawn = FOIRequestFactory(
        campaign=campaign, force=force("Cumbria Constabulary"), status=FOIRequest.Status.WITHDRAWN
    )

    answered = FOIRequest.objects.filter(campaign=campaign).answered()

    assert list(answered) == [with_figures]
    assert withdrawn not in answered


# --- Why a force has no figure --------------------------------------------------------------


@DB
def test_it_shows_not_held_apart_from_no_reply(client, caseworker, verifier):
    campaign = small_round(caseworker, verifier)
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    durham = re.search(r"Durham Constabulary.*?</tr>", page, re.S).group(0)
    cumbria = re.search(r"Cumbria Constabulary.*?</tr>", page, re.S).group(0)
    assert 'class="missing not-held"' in durham and "not held" in durham
    assert 'class="missing no-reply"' in cumbria and "no reply" in cumbria
    assert "not held" not in cumbria


@DB
def test_it_says_a_figure_awaits_verification(client, caseworker, verifier):
    campaign = small_round(caseworker, verifier)
    cumbria = campaign.requests.get(force__name="Cumbria Constabulary")
    FigureFactory(request=cumbria, period="2016/17", value=12, entered_by=caseworker)
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    row = re.search(r"Cumbria Constabulary.*?</tr>", page, re.S).group(0)
    assert "not verified yet" in row


@DB
def test_it_says_the_population_is_not_entered_with_a_link(client, caseworker, verifier):
    campaign = small_round(caseworker, verifier)
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    northumbria = re.search(r"Northumbria Police.*?</tr>", page, re.S).group(0)
    assert "population not entered" in northumbria
    assert reverse("admin:forces_under18population_changelist") in northumbria


@DB
def test_it_shows_the_rate_once_the_population_is_entered(client, caseworker, verifier):
    campaign = small_round(caseworker, verifier)
    Under18Population.objects.create(force=force("Northumbria Police"), year=2016, under_18=400000)
    snapshots.recompute(campaign.pk)
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    northumbria = re.search(r"Northumbria Police.*?</tr>", page, re.S).group(0)
    assert "population not entered" not in northumbria and ">50.0<" in northumbria


# --- One way to write numbers ---------------------------------------------------------------


def test_it_writes_numbers_with_thousands_separators_and_signed_changes():
    from returns import formatting

    assert formatting.number(1344) == "1,344"
    assert formatting.number(5653) == "5,653"
    assert formatting.number(15.5) == "15.5"
    assert formatting.number(1234.5) == "1,234.5"
    assert formatting.number(None) == "—"
    assert formatting.signed_percent(154.3) == "+154.3%"
    assert formatting.signed_percent(-3.2) == "−3.2%"
    assert formatting.signed_percent(0.0) == "0.0%"
    assert formatting.signed_percent(None) == "—"
    assert formatting.percent(12.0) == "12.0%"


@DB
def test_it_writes_every_number_of_the_page_one_way(client, caseworker, verifier):
    campaign = press_round(caseworker, verifier)
    snapshots.recompute(campaign.pk)
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    northumbria = re.search(r"Northumbria Police.*?</tr>", page, re.S).group(0)
    assert "+229.6%" in northumbria  # a change is signed in the table as in the headline
    assert "+44.8%" in page
    assert '"number">1,354</span> with an age recorded' in page  # the victim-age summary
    figures = campaign.snapshot.figure_count
    assert figures > 999 or f"{figures:,} verified figures" in page
    # The campaign's title is the staff's own text (a factory's "round 1026"), not a number.
    assert not re.search(r"\b\d{4,}\b(?!/)", _numbers_only(page.replace(campaign.title, "")))


def _numbers_only(page):
    """The page's text without markup, addresses, periods and data attributes."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\d{4}/\d{2}", "", text)  # periods such as 2016/17
    text = re.sub(r"\b\d{1,2} \w{3} \d{4}\b", "", text)  # dates such as 3 May 2026
    text = re.sub(r"\b(19|20)\d{2}\b", "", text)  # years (mid-2016)
    return text


@DB
def test_it_writes_the_index_counts_with_separators(client, caseworker, verifier):
    campaign = small_round(caseworker, verifier)
    type(campaign.snapshot).objects.filter(pk=campaign.snapshot.pk).update(figure_count=1344)
    client.force_login(caseworker)

    page = client.get(reverse("returns:statistics_index")).content.decode()

    assert "from 1,344 verified figures" in page


def test_it_writes_changes_signed_in_the_offence_type_table():
    from returns.breakdowns import CategoryCells

    def cells(period, total):
        return CategoryCells("offence_type", period, "Rape", "reported", 1, total)

    from returns.statistics import ForceAsked, StatisticsInputs

    inputs = StatisticsInputs(
        slug="s", measure="m", periods=["2015/16", "2016/17"],
        forces=[ForceAsked(1, "Bede", "E1")], headline={},
        breakdown_cells=[cells("2015/16", 100), cells("2016/17", 254)],
    )  # fmt: skip
    row = build_statistics(inputs).payload["periods"][1]["offence_types"][0]
    from django.template.loader import render_to_string

    from returns import breakdowns

    html = render_to_string(
        breakdowns.get("offence_type").template,
        {"breakdown": breakdowns.get("offence_type"), "summary": [row], "period": "2016/17"},
    )
    assert "+154.0%" in html


# --- One way to write times -------------------------------------------------------------------


def test_it_writes_times_on_the_24_hour_clock():
    evening = datetime.datetime(2026, 11, 23, 21, 6, tzinfo=ZoneInfo("Europe/London"))
    assert formats.date_format(evening, "DATETIME_FORMAT") == "23 Nov 2026, 21:06"
    assert formats.date_format(evening, "SHORT_DATETIME_FORMAT") == "23/11/2026 21:06"
    assert formats.time_format(evening.time(), "TIME_FORMAT") == "21:06"
    assert formats.date_format(evening.date(), "DATE_FORMAT") == "23 Nov 2026"


@DB
def test_it_writes_admin_times_on_the_24_hour_clock(client, administrator):
    from returns.models import ImportBatch

    campaign = CampaignFactory()
    ImportBatch.objects.create(campaign=campaign, original_name="returns.csv")
    ImportBatch.objects.update(
        uploaded_at=datetime.datetime(2026, 11, 23, 21, 6, tzinfo=ZoneInfo("Europe/London"))
    )
    client.force_login(administrator)

    page = client.get(reverse("admin:returns_importbatch_changelist")).content.decode()

    assert "21:06" in page and "p.m." not in page


# --- The page keeps itself up to date ---------------------------------------------------------


@DB
def test_it_serves_the_snapshot_state_for_the_page_to_poll(client, caseworker, verifier):
    campaign = small_round(caseworker, verifier)
    client.force_login(caseworker)
    url = reverse("returns:statistics_status", args=[campaign.slug])

    fresh = client.get(url).json()
    Campaign.objects.filter(pk=campaign.pk).update(data_version=99)
    stale = client.get(url).json()

    assert fresh["stale"] is False and fresh["computed_at"]
    assert stale["stale"] is True and stale["computed_at"] == fresh["computed_at"]


@DB
def test_it_serves_the_state_of_a_snapshot_never_computed(client, caseworker):
    campaign = CampaignFactory()
    client.force_login(caseworker)

    status = client.get(reverse("returns:statistics_status", args=[campaign.slug])).json()

    assert status == {"computed_at": None, "data_version": None, "stale": True}


@DB
def test_it_keeps_the_state_to_staff_who_may_see_statistics(client, outsider):
    campaign = CampaignFactory()
    client.force_login(outsider)
    response = client.get(reverse("returns:statistics_status", args=[campaign.slug]))
    assert response.status_code == 403


@DB
def test_it_tells_the_page_where_to_poll_and_says_it_updates_itself(client, caseworker):
    campaign = CampaignFactory()
    FOIRequestFactory(campaign=campaign)
    client.force_login(caseworker)

    page = client.get(page_url(campaign)).content.decode()

    assert reverse("returns:statistics_status", args=[campaign.slug]) in page
    assert "Reload in a moment" not in page
    assert "updates itself" in page
