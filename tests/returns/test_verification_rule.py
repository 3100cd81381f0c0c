"""The four-eyes rule itself, without a database: who may verify a figure."""

from returns.verification import OWN, refusal


def test_it_lets_someone_who_never_touched_the_figure_verify_it():
    assert refusal(user_id=3, entered_by_id=1, author_ids={1, 2}) is None


def test_it_refuses_the_person_who_entered_the_figure():
    assert refusal(user_id=1, entered_by_id=1, author_ids=set()) == OWN


def test_it_refuses_anyone_who_changed_or_imported_the_figure():
    assert refusal(user_id=2, entered_by_id=1, author_ids={1, 2}) == OWN


def test_it_lets_anyone_who_never_changed_an_unattributed_figure_verify_it():
    assert refusal(user_id=3, entered_by_id=None, author_ids=set()) is None
    assert refusal(user_id=1, entered_by_id=None, author_ids={1}) == OWN
