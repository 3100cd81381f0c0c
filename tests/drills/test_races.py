"""Drills on PostgreSQL: writers racing each other. Each either saved or reported, never both
wrong: what the database holds afterwards is exactly what the successful writers said."""

import threading

import pytest
from django.db import connection

from returns.importing.service import import_long
from returns.models import Figure, ImportBatch
from returns.verification import verify_figures
from tests.factories import CampaignFactory, FOIRequestFactory, force

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
FORCES = ["Northumbria Police", "West Mercia Police", "Durham Constabulary", "Cleveland Police"]


@pytest.fixture
def campaign():
    if connection.vendor != "postgresql":
        pytest.fail("The race drills need the PostgreSQL of scripts/test.")
    campaign = CampaignFactory(periods=["2015/16", "2016/17"])
    for name in FORCES:
        FOIRequestFactory(campaign=campaign, force=force(name))
    return campaign


def returns_file(campaign, base):
    """Every force, both periods: a headline total and 18 single-year ages."""
    lines = ["force,period,measure,breakdown,category,value,note"]
    for index, name in enumerate(FORCES):
        for period in campaign.periods:
            lines.append(f"{name},{period},{campaign.measure},,,{base + index},")
            lines += [
                f"{name},{period},{campaign.measure},victim_age,{age},{age}," for age in range(18)
            ]
    return "\n".join(lines).encode()


CELLS = len(FORCES) * 2 * 19


def at_once(*jobs):
    """Run each job in its own thread and database connection, released together."""
    start = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            start.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # the drill reports it: nothing may escape unexplained
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_imports_of_one_round_at_once_are_each_saved_or_reported(
    campaign, caseworker, second_caseworker
):
    first, second = returns_file(campaign, 100), returns_file(campaign, 200)

    outcomes = at_once(
        lambda: import_long(campaign, first, "first.csv", user=caseworker),
        lambda: import_long(campaign, second, "second.csv", user=second_caseworker),
    )

    assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes
    saved = [outcome for outcome in outcomes if outcome.ok]
    for outcome in outcomes:
        if not outcome.ok:
            assert "nothing was saved" in " ".join(outcome.problems).lower()
    assert saved, "at least one of two valid imports must be saved"
    assert ImportBatch.objects.filter(campaign=campaign).count() == sum(
        outcome.summary.changed > 0 for outcome in saved
    )
    figures = Figure.objects.filter(request__campaign=campaign)
    assert figures.count() == CELLS  # one figure per cell: no duplicates, nothing half-saved
    # The figures hold one whole file, the one committed last: never a mixture of the two.
    totals = sorted(set(figures.filter(breakdown="").values_list("value", flat=True)))
    assert totals in ([100, 101, 102, 103], [200, 201, 202, 203])
    last = ImportBatch.objects.filter(campaign=campaign).order_by("-pk").first()
    assert last.original_name == ("first.csv" if totals[0] == 100 else "second.csv")


def test_an_import_racing_a_verification_leaves_no_figure_verified_with_a_value_unseen(
    campaign, caseworker, verifier
):
    assert import_long(campaign, returns_file(campaign, 100), "v1.csv", user=caseworker).ok
    loaded = list(Figure.objects.filter(request__campaign=campaign))
    seen_by_verifier = {figure.pk: figure.value for figure in loaded}

    outcomes = at_once(
        lambda: import_long(campaign, returns_file(campaign, 300), "v2.csv", user=caseworker),
        lambda: verify_figures(verifier, loaded),
    )

    imported, verification = outcomes
    assert not isinstance(imported, Exception), imported
    assert not isinstance(verification, Exception), verification
    verified, refused = verification
    assert len(verified) + len(refused) == CELLS
    for figure in Figure.objects.filter(request__campaign=campaign):
        if figure.is_verified:
            # Verified only if it still holds the value the verifier looked at.
            assert figure.value == seen_by_verifier[figure.pk]
            assert figure.verified_by == verifier
    changed_totals = Figure.objects.filter(request__campaign=campaign, breakdown="", value__gte=300)
    if imported.ok:
        assert changed_totals.count() == len(FORCES) * 2
        assert not changed_totals.filter(verified_at__isnull=False).exists()
    else:
        assert "nothing was saved" in " ".join(imported.problems).lower()
        assert not changed_totals.exists()
