"""Working-day deadlines under FOIA 2000 s.10 and FOISA 2002 s.10/s.73.

Every expected date below was counted by hand against a printed calendar; the comments show the
count so a reviewer can re-check it without running the code.
"""

from datetime import date, datetime, timedelta

import pytest

from returns.deadlines import (
    FOIA,
    FOISA,
    REGIMES,
    due_date,
    is_working_day,
    non_working_reason,
    skipped_days,
    working_days_after,
)

UK = "bank holiday throughout the UK"


# --- Published worked examples (FOIA) -------------------------------------------------------


def test_it_matches_the_published_example_for_a_sunday_receipt():
    # Received Sun 16 Mar 2014. Mon 17 Mar is St Patrick's Day (NI), so day 1 is Tue 18 Mar:
    # 18-21 (4), 24-28 (9), 31 (10), 1-4 Apr (14), 7-11 Apr (19), Mon 14 Apr (20).
    assert due_date(date(2014, 3, 16), FOIA) == date(2014, 4, 14)


def test_it_matches_the_published_example_spanning_christmas_and_new_year():
    # Received Tue 2 Dec 2014: 3-5 (3), 8-12 (8), 15-19 (13), 22-24 (16), [25, 26 Dec],
    # 29-31 (19), [1, 2 Jan], Mon 5 Jan 2015 (20).
    assert due_date(date(2014, 12, 2), FOIA) == date(2015, 1, 5)


def test_it_explains_the_days_skipped_in_the_christmas_example():
    assert skipped_days(date(2014, 12, 2), FOIA) == [
        (date(2014, 12, 6), "Saturday"),
        (date(2014, 12, 7), "Sunday"),
        (date(2014, 12, 13), "Saturday"),
        (date(2014, 12, 14), "Sunday"),
        (date(2014, 12, 20), "Saturday"),
        (date(2014, 12, 21), "Sunday"),
        (date(2014, 12, 25), "Christmas Day"),
        (date(2014, 12, 26), f"Boxing Day ({UK})"),
        (date(2014, 12, 27), "Saturday"),
        (date(2014, 12, 28), "Sunday"),
        (date(2015, 1, 1), f"New Year's Day ({UK})"),
        (date(2015, 1, 2), "2 January (bank holiday in Scotland)"),
        (date(2015, 1, 3), "Saturday"),
        (date(2015, 1, 4), "Sunday"),
    ]


def test_it_gives_police_scotland_the_same_date_in_the_christmas_example():
    # Christmas Day, Boxing Day, 1 and 2 January are all Scottish bank holidays.
    assert due_date(date(2014, 12, 2), FOISA) == date(2015, 1, 5)


def test_it_does_not_skip_st_patricks_day_for_police_scotland():
    # Received Sun 16 Mar 2014, day 1 is Mon 17 Mar: 17-21 (5), 24-28 (10), 31-4 Apr (15),
    # 7-11 Apr (20).
    assert due_date(date(2014, 3, 16), FOISA) == date(2014, 4, 11)


# --- Which days each regime skips -----------------------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "regime", "expected"),
    [
        # St Andrew's Day, Wed 30 Nov 2022: a Scottish bank holiday, so skipped by both.
        (date(2022, 11, 29), FOIA, date(2022, 12, 1)),
        (date(2022, 11, 29), FOISA, date(2022, 12, 1)),
        # 2 January (Scotland), Tue 2 Jan 2024, after New Year's Day on Mon 1 Jan: both.
        (date(2023, 12, 29), FOIA, date(2024, 1, 3)),
        (date(2023, 12, 29), FOISA, date(2024, 1, 3)),
        # Battle of the Boyne (NI only), Tue 12 Jul 2022.
        (date(2022, 7, 11), FOIA, date(2022, 7, 13)),
        (date(2022, 7, 11), FOISA, date(2022, 7, 12)),
        # St Patrick's Day (NI only), Thu 17 Mar 2022.
        (date(2022, 3, 16), FOIA, date(2022, 3, 18)),
        (date(2022, 3, 16), FOISA, date(2022, 3, 17)),
        # Good Friday 15 Apr 2022 for both; Easter Monday 18 Apr is not a Scottish bank holiday.
        (date(2022, 4, 14), FOIA, date(2022, 4, 19)),
        (date(2022, 4, 14), FOISA, date(2022, 4, 18)),
        # Scottish summer bank holiday, Mon 1 Aug 2022: skipped by both (FOIA: any part of UK).
        (date(2022, 7, 29), FOIA, date(2022, 8, 2)),
        (date(2022, 7, 29), FOISA, date(2022, 8, 2)),
        # Late summer bank holiday, Mon 29 Aug 2022: not a bank holiday in Scotland.
        (date(2022, 8, 26), FOIA, date(2022, 8, 30)),
        (date(2022, 8, 26), FOISA, date(2022, 8, 29)),
        # State Funeral of Queen Elizabeth II, Mon 19 Sep 2022: one-off, UK-wide.
        (date(2022, 9, 16), FOIA, date(2022, 9, 20)),
        (date(2022, 9, 16), FOISA, date(2022, 9, 20)),
        # Christmas 2021 on a weekend: Sat 25, Sun 26, substitutes Mon 27 and Tue 28.
        (date(2021, 12, 24), FOIA, date(2021, 12, 29)),
        (date(2021, 12, 24), FOISA, date(2021, 12, 29)),
        # New Year 2023: Sun 1 Jan, Mon 2 Jan (substitute / 2 January), Tue 3 Jan (Scottish
        # substitute for 2 January).
        (date(2022, 12, 30), FOIA, date(2023, 1, 4)),
        (date(2022, 12, 30), FOISA, date(2023, 1, 4)),
    ],
)
def test_it_skips_the_right_holidays_for_each_regime(received_on, regime, expected):
    assert due_date(received_on, regime, working_days=1) == expected


@pytest.mark.parametrize(
    ("day", "regime", "expected"),
    [
        (date(2022, 11, 26), FOIA, "Saturday"),
        (date(2022, 11, 27), FOISA, "Sunday"),
        (date(2022, 11, 30), FOIA, "St Andrew's Day (bank holiday in Scotland)"),
        (date(2022, 11, 30), FOISA, "St Andrew's Day (bank holiday in Scotland)"),
        (date(2022, 7, 12), FOIA, "Battle of the Boyne (bank holiday in Northern Ireland)"),
        (date(2022, 7, 12), FOISA, None),
        (date(2022, 3, 17), FOIA, "St Patrick's Day (bank holiday in Northern Ireland)"),
        (date(2022, 3, 17), FOISA, None),
        (date(2022, 4, 15), FOIA, "Good Friday"),
        (date(2022, 4, 15), FOISA, "Good Friday"),
        (
            date(2022, 4, 18),
            FOIA,
            "Easter Monday (bank holiday in England, Wales, Northern Ireland)",
        ),
        (date(2022, 4, 18), FOISA, None),
        (date(2022, 8, 1), FOIA, "Summer Bank Holiday (bank holiday in Scotland)"),
        (date(2022, 8, 1), FOISA, "Summer Bank Holiday (bank holiday in Scotland)"),
        (
            date(2022, 8, 29),
            FOIA,
            "Late Summer Bank Holiday (bank holiday in England, Wales, Northern Ireland)",
        ),
        (date(2022, 8, 29), FOISA, None),
        (date(2022, 9, 19), FOIA, f"State Funeral of Queen Elizabeth II ({UK})"),
        (
            date(2022, 9, 19),
            FOISA,
            "State Funeral of Queen Elizabeth II (bank holiday in Scotland)",
        ),
        (date(2014, 12, 25), FOISA, "Christmas Day"),
        (date(2021, 12, 25), FOIA, "Saturday"),
        (date(2021, 12, 27), FOIA, f"Substitute day for Christmas Day ({UK})"),
        (date(2021, 12, 28), FOIA, f"Substitute day for Boxing Day ({UK})"),
        (date(2023, 1, 3), FOIA, "Substitute day for 2 January (bank holiday in Scotland)"),
        (date(2022, 11, 29), FOIA, None),
    ],
)
def test_it_gives_a_readable_reason_for_each_non_working_day(day, regime, expected):
    assert non_working_reason(day, regime) == expected
    assert is_working_day(day, regime) is (expected is None)


def test_it_names_every_holiday_on_a_day_that_is_two_holidays_at_once():
    # Mon 2 Jan 2023: UK-wide substitute for New Year's Day, and 2 January itself in Scotland.
    reason = non_working_reason(date(2023, 1, 2), FOIA)
    assert reason == (
        f"Substitute day for New Year's Day ({UK}); 2 January (bank holiday in Scotland)"
    )


# --- Counting from the date of receipt ------------------------------------------------------


@pytest.mark.parametrize(
    "received_on",
    [date(2022, 10, 7), date(2022, 10, 8), date(2022, 10, 9)],
    ids=["friday", "saturday", "sunday"],
)
def test_it_counts_a_weekend_receipt_from_the_next_working_day(received_on):
    # Day 1 is Mon 10 Oct 2022 in each case: 10-14 (5), 17-21 (10), 24-28 (15),
    # 31 Oct-4 Nov (20). No bank holidays anywhere in the UK in October 2022.
    assert due_date(received_on, FOIA) == date(2022, 11, 4)


def test_it_does_not_count_a_monday_receipt_date_itself():
    # Received Mon 10 Oct 2022: 11-14 (4), 17-21 (9), 24-28 (14), 31 Oct-4 Nov (19), 7 Nov (20).
    assert due_date(date(2022, 10, 10), FOIA) == date(2022, 11, 7)


def test_it_counts_a_receipt_on_a_bank_holiday_from_the_next_working_day():
    # Received Mon 1 Aug 2022 (Scottish summer holiday): 2-5 (4), 8-12 (9), 15-19 (14),
    # 22-26 (19), then Mon 29 Aug is a bank holiday in England but not in Scotland.
    assert due_date(date(2022, 8, 1), FOIA) == date(2022, 8, 30)
    assert due_date(date(2022, 8, 1), FOISA) == date(2022, 8, 29)


def test_it_skips_christmas_on_a_weekend_and_both_substitute_days_over_twenty_days():
    # Received Fri 10 Dec 2021: 13-17 (5), 20-24 (10), [27, 28 substitutes], 29-31 (13),
    # [Mon 3 Jan substitute New Year's Day, Tue 4 Jan Scottish substitute 2 January],
    # 5-7 (16), 10-13 (20).
    for regime in REGIMES:
        assert due_date(date(2021, 12, 10), regime) == date(2022, 1, 13)


def test_it_counts_the_boyne_and_the_scottish_summer_holiday_against_an_english_force():
    # Received Fri 1 Jul 2022. FOIA: 4-8 (5), 11 (6), [12 Boyne], 13-15 (9), 18-22 (14),
    # 25-29 (19), [1 Aug Scottish summer holiday], Tue 2 Aug (20).
    # FOISA: 4-8, 11-15, 18-22, 25-29 -> Fri 29 Jul (20).
    assert due_date(date(2022, 7, 1), FOIA) == date(2022, 8, 2)
    assert due_date(date(2022, 7, 1), FOISA) == date(2022, 7, 29)


def test_it_skips_st_andrews_day_over_twenty_days():
    # Received Fri 4 Nov 2022: 7-11 (5), 14-18 (10), 21-25 (15), 28-29 (17), [30 Nov],
    # 1-2 Dec (19), Mon 5 Dec (20).
    for regime in REGIMES:
        assert due_date(date(2022, 11, 4), regime) == date(2022, 12, 5)


SAT, SUN = (date(2022, 10, 8), "Saturday"), (date(2022, 10, 9), "Sunday")


@pytest.mark.parametrize(
    ("received_on", "expected", "skipped"),
    [
        (date(2022, 10, 7), date(2022, 10, 10), [SAT, SUN]),  # Fri -> Mon
        (date(2022, 10, 8), date(2022, 10, 10), [SUN]),  # Sat -> Mon
        (date(2022, 10, 10), date(2022, 10, 11), []),  # Mon -> Tue
    ],
)
def test_it_handles_a_single_working_day(received_on, expected, skipped):
    assert due_date(received_on, FOIA, working_days=1) == expected
    assert skipped_days(received_on, FOIA, working_days=1) == skipped


def test_it_reduces_a_datetime_to_its_date():
    result = due_date(datetime(2014, 3, 16, 23, 59), FOIA)
    assert result == date(2014, 4, 14)
    assert type(result) is date


# --- Extra non-working days from the admin table -------------------------------------------

# Received Tue 1 Nov 2022; without extras: 2-4 (3), 7-11 (8), 14-18 (13), 21-25 (18), 28-29 (20).
PLAIN_DUE = date(2022, 11, 29)


def test_it_is_due_on_the_plain_date_without_extra_days():
    assert due_date(date(2022, 11, 1), FOIA) == PLAIN_DUE


def test_it_skips_extra_days_given_as_a_mapping_with_descriptions():
    extra = {date(2022, 11, 15): "Office closed for IT migration"}
    # Losing Tue 15 Nov pushes day 20 past Wed 30 Nov (St Andrew's Day) to Thu 1 Dec.
    assert due_date(date(2022, 11, 1), FOIA, extra_days=extra) == date(2022, 12, 1)
    assert non_working_reason(date(2022, 11, 15), FOIA, extra) == (
        "Extra non-working day: Office closed for IT migration"
    )
    assert (date(2022, 11, 15), "Extra non-working day: Office closed for IT migration") in (
        skipped_days(date(2022, 11, 1), FOIA, extra_days=extra)
    )


@pytest.mark.parametrize(
    "make_extra", [list, set, tuple, iter], ids=["list", "set", "tuple", "generator"]
)
def test_it_skips_extra_days_given_as_an_iterable_of_dates(make_extra):
    extra = make_extra([date(2022, 11, 15), date(2022, 11, 16)])
    # 14 (9), 17-18 (11), 21-25 (16), 28-29 (18), [30 Nov], 1 Dec (19), Fri 2 Dec (20).
    assert due_date(date(2022, 11, 1), FOIA, extra_days=extra) == date(2022, 12, 2)


def test_it_describes_an_extra_day_without_a_description_plainly():
    assert non_working_reason(date(2022, 11, 15), FOISA, [date(2022, 11, 15)]) == (
        "Extra non-working day"
    )
    assert non_working_reason(date(2022, 11, 15), FOISA, {date(2022, 11, 15): ""}) == (
        "Extra non-working day"
    )


def test_it_ignores_an_extra_day_that_is_already_a_weekend():
    extra = {date(2022, 11, 19): "Staff away day"}
    assert non_working_reason(date(2022, 11, 19), FOIA, extra) == "Saturday"
    assert due_date(date(2022, 11, 1), FOIA, extra_days=extra) == PLAIN_DUE


def test_it_only_affects_the_day_listed_as_extra():
    assert is_working_day(date(2022, 11, 16), FOIA, {date(2022, 11, 15): "Closed"})


# --- Validation -----------------------------------------------------------------------------


@pytest.mark.parametrize("regime", ["FOIA", "eir", "", None])
def test_it_rejects_an_unknown_regime(regime):
    with pytest.raises(ValueError, match=repr(regime)):
        due_date(date(2022, 11, 1), regime)
    with pytest.raises(ValueError):
        non_working_reason(date(2022, 11, 1), regime)
    with pytest.raises(ValueError):
        working_days_after(date(2022, 11, 1), date(2022, 11, 30), regime)


@pytest.mark.parametrize("working_days", [0, -1, 2.5])
def test_it_rejects_a_working_day_count_below_one(working_days):
    with pytest.raises(ValueError, match="working_days"):
        due_date(date(2022, 11, 1), FOIA, working_days=working_days)
    with pytest.raises(ValueError, match="working_days"):
        skipped_days(date(2022, 11, 1), FOIA, working_days=working_days)


# --- working_days_after ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "regime", "expected"),
    [
        (date(2015, 1, 5), date(2015, 1, 5), FOIA, 0),  # same day
        (date(2015, 1, 12), date(2015, 1, 5), FOIA, 0),  # end before start
        (date(2015, 1, 5), date(2015, 1, 12), FOIA, 5),  # Tue 6-Fri 9 (4), Mon 12 (5)
        (date(2015, 1, 5), date(2015, 1, 11), FOIA, 4),  # ends on a Sunday
        (date(2022, 9, 16), date(2022, 9, 20), FOIA, 1),  # weekend + State Funeral
        (date(2022, 4, 14), date(2022, 4, 19), FOIA, 1),  # Good Friday + Easter Monday
        (date(2022, 4, 14), date(2022, 4, 19), FOISA, 2),  # Easter Monday works in Scotland
        (date(2014, 12, 2), date(2015, 1, 5), FOIA, 20),  # the published example
    ],
)
def test_it_counts_working_days_between_two_dates(start, end, regime, expected):
    assert working_days_after(start, end, regime) == expected


def test_it_counts_working_days_after_with_extra_days_and_datetimes():
    start, end = datetime(2022, 11, 1, 9, 30), datetime(2022, 11, 29, 17, 0)
    assert working_days_after(start, end, FOIA) == 20
    assert working_days_after(start, end, FOIA, {date(2022, 11, 15): "Closed"}) == 19


@pytest.mark.parametrize("regime", REGIMES)
def test_it_agrees_with_itself_for_every_receipt_date_over_a_decade(regime):
    day = date(2014, 1, 1)
    while day < date(2024, 1, 1):
        due = due_date(day, regime)
        assert is_working_day(due, regime)
        assert working_days_after(day, due, regime) == 20
        assert len(skipped_days(day, regime)) == (due - day).days - 20
        day += timedelta(days=1)
