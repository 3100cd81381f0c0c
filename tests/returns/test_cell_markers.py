"""Markers: one vocabulary for the long layout and a force's own table (issue 12, point 6)."""

import pytest

from returns.importing import cells
from returns.importing.cells import EMPTY, Value, marker_meaning, parse_value

SUPPRESSION_MARKERS = ["*", "**", "<5", "< 10", "1-4", "1 – 4", "<=5", "≤5", "=<5",
                       "5 or fewer", "fewer than 5", "less than 10"]  # fmt: skip


@pytest.mark.parametrize("written", SUPPRESSION_MARKERS)
def test_it_reads_every_suppression_marker_as_suppressed_keeping_the_text(written):
    assert parse_value(written) == Value("suppressed", None, written)


@pytest.mark.parametrize("written", ["-", "–", "nil", "Nil", "none", "NONE"])
def test_it_reads_a_dash_nil_or_none_as_a_reported_zero_keeping_the_text(written):
    assert parse_value(written) == Value("reported", 0, written)


@pytest.mark.parametrize("written", ["N/A", "n/a", "NA", "Not applicable", "not applicable"])
def test_it_reads_n_a_as_not_applicable_apart_from_not_held(written):
    assert parse_value(written) == Value("not_applicable", None, written)


@pytest.mark.parametrize("written", ["n/k", "N/K", "not held", "Not recorded", "not known"])
def test_it_reads_not_held_words_as_not_held(written):
    assert parse_value(written) == Value("not_held", None, written)


@pytest.mark.parametrize(
    ("note", "status"),
    [
        ("", "reported"),
        ("nil return", "reported"),
        ("- means the information is not held", "not_held"),
        ("'-' = not applicable to this force", "not_applicable"),
        ("withheld under s.40", "not_provided"),
        ("- indicates fewer than 5", "suppressed"),
    ],
)
def test_it_reads_a_dash_as_zero_unless_the_note_says_otherwise(note, status):
    value = parse_value("-", note)
    assert (value.status, value.value, value.raw_value) == (
        status,
        0 if status == "reported" else None,
        "-",
    )


def test_it_keeps_numbers_negatives_and_decimals_as_before():
    assert parse_value("1,234") == Value("reported", 1234)
    assert parse_value(12.0) == Value("reported", 12)
    with pytest.raises(ValueError, match="negative"):
        parse_value("-3")
    with pytest.raises(ValueError, match="not a whole number"):
        parse_value("2.5")
    with pytest.raises(ValueError, match="'lots' is not a number"):
        parse_value("lots")
    with pytest.raises(ValueError, match="'4-1' is not a number"):
        parse_value("4-1")  # no range: never read as suppressed


def test_it_keeps_the_long_layouts_rule_for_empty_cells():
    with pytest.raises(ValueError, match="is empty"):
        parse_value("")
    assert parse_value("", "not held") == Value("not_held")
    assert parse_value(None, "refused under s.12") == Value("not_provided")


def test_it_reads_empty_cells_as_zero_when_the_caseworker_chooses_empty_means_0():
    assert parse_value("", markers={EMPTY: "reported"}) == Value("reported", 0, "")
    assert parse_value(None, markers={EMPTY: "not_held"}) == Value("not_held", None, "")


def test_it_gives_a_marker_the_meaning_the_caseworker_chose():
    markers = {"n/a": "not_held", "-": "not_held", "x": "suppressed"}
    assert parse_value("N/A", markers=markers) == Value("not_held", None, "N/A")
    assert parse_value("-", markers=markers) == Value("not_held", None, "-")
    assert parse_value("x", markers=markers) == Value("suppressed", None, "x")
    # A chosen meaning is not second-guessed by the note; numbers are never overridden.
    assert parse_value("nil", "not held", {"nil": "reported"}) == Value("reported", 0, "nil")
    assert parse_value("7", markers={"7": "suppressed"}) == Value("reported", 7)


def test_it_refuses_a_meaning_a_marker_cannot_have():
    with pytest.raises(ValueError, match="not a meaning"):
        parse_value("N/A", markers={"n/a": "maybe"})


def test_it_lists_the_known_markers_with_how_each_will_be_stored():
    listed = dict(cells.MARKERS)
    for text in ("*", "<5", "1-4", "<=5", "≤5", "5 or fewer"):
        assert listed[text] == "suppressed"
    assert [listed[text] for text in ("-", "nil", "none")] == ["reported"] * 3
    assert listed["n/a"] == "not_applicable"
    assert [listed[text] for text in ("n/k", "not held", "not recorded")] == ["not_held"] * 3
    for text, status in cells.MARKERS:  # each default is what parse_value does with it
        assert marker_meaning(text).status == status
        assert parse_value(text).status == status


def test_it_says_how_a_marker_will_be_stored_in_words():
    assert marker_meaning("<5").label == "suppressed (the force's text is kept)"
    assert marker_meaning(" N/A ").label == "not applicable"
    assert marker_meaning("-").label == "0 (a reported zero)"
    assert marker_meaning("N/A", {"n/a": "not_held"}).label == "not held"
    assert marker_meaning("12") is None
    assert marker_meaning("lots") is None
    assert marker_meaning("") is None
    assert marker_meaning("", {EMPTY: "reported"}).status == "reported"
