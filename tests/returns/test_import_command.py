"""import_returns: the command-line path through the same resource as the admin."""

import pytest
from django.core.management import CommandError, call_command

from returns.models import Figure, ImportBatch
from tests.returns.files.helpers import HERE, cells, make_campaign

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_returns", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_clean_file_and_prints_a_summary(caseworker):
    campaign = make_campaign()
    out, _ = run(campaign.slug, str(HERE / "clean_long.csv"), "--user", caseworker.username)

    assert "9 created, 0 updated, 0 unchanged" in out
    stored = cells(campaign)
    assert stored["Northumbria Police", "2016/17", "", ""] == ("reported", 323, "", "")
    assert stored["Northumbria Police", "2016/17", "victim_age", "0"][1] == 1
    assert stored["Northumbria Police", "2016/17", "victim_age", "unknown"] == (
        "suppressed",
        None,
        "<5",
        "",
    )
    assert stored["Durham Constabulary", "2015/16", "", ""] == ("not_held", None, "", "not held")
    assert stored["West Mercia Police", "2016/17", "", ""][1] == 1213
    batch = ImportBatch.objects.get()
    assert (batch.uploaded_by, batch.created, batch.rows) == (caseworker, 9, 9)
    assert batch.file.read().startswith(b"force,period")
    assert set(Figure.objects.values_list("entered_by", "import_batch")) == {
        (caseworker.pk, batch.pk)
    }


def test_it_saves_nothing_on_a_dry_run(caseworker):
    campaign = make_campaign()
    out, _ = run(campaign.slug, str(HERE / "clean_long.csv"), "--dry-run")

    assert "Dry run" in out and "9 created" in out
    assert not Figure.objects.exists() and not ImportBatch.objects.exists()


def test_it_prints_every_row_problem_to_stderr_and_fails(tmp_path):
    from io import StringIO

    campaign = make_campaign()
    path = tmp_path / "bad.csv"
    path.write_text(
        "force,period,measure,breakdown,category,value,note\n"
        "Northumbria,2016/17,,,,12.5,\n"
        "Atlantis Police,2016/17,,,,3,\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="2 problems; nothing was imported"):
        call_command("import_returns", campaign.slug, str(path), stderr=err, stdout=StringIO())

    assert err.getvalue().splitlines() == [
        "Row 2, column value: '12.5' is not a whole number.",
        "Row 3, column force: Unknown force 'Atlantis Police'.",
    ]
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["no-such-round", "clean_long.csv"], "No campaign with slug 'no-such-round'"),
        (["{slug}", "clean_long.csv", "--user", "nobody"], "No user 'nobody'"),
        (["{slug}", "returns.pdf"], "unsupported file type '.pdf'"),
        (["{slug}", "missing.csv"], "Cannot read"),
    ],
)
def test_it_refuses_bad_arguments_clearly(args, message, tmp_path):
    campaign = make_campaign()
    (tmp_path / "returns.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "clean_long.csv").write_bytes((HERE / "clean_long.csv").read_bytes())
    args = [arg.format(slug=campaign.slug) for arg in args]
    args[1] = str(tmp_path / args[1])
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Figure.objects.exists()
