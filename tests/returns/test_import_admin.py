"""The admin's Import on the figures list: upload, preview (dry run), confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from returns.models import Figure, ImportBatch
from tests.returns.files.helpers import HERE, csv_bytes, make_campaign, xlsx_bytes

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("admin:returns_figure_import")
CONFIRM_URL = reverse("admin:returns_figure_process_import")


def upload(client, campaign, name, data):
    return client.post(
        IMPORT_URL,
        {"campaign": campaign.pk, "import_file": SimpleUploadedFile(name, data)},
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(CONFIRM_URL, {name: form[name].value() for name in form.fields})


def test_it_previews_then_saves_only_on_confirm(client, caseworker):
    campaign = make_campaign()
    client.force_login(caseworker)
    assert client.get(IMPORT_URL).status_code == 200

    preview = upload(client, campaign, "returns.csv", (HERE / "clean_long.csv").read_bytes())

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "9 new" in page and "Confirm import" in page
    assert "Northumbria Police 2016/17 total: 323, +230% on 2015/16 (98)." in page
    assert not Figure.objects.exists()

    done = confirm(client, preview)

    assert done.status_code == 302
    assert Figure.objects.filter(request__campaign=campaign).count() == 9
    batch = ImportBatch.objects.get()
    assert (batch.uploaded_by, batch.original_name, batch.created) == (
        caseworker,
        "returns.csv",
        9,
    )
    assert batch.file.read() == (HERE / "clean_long.csv").read_bytes()
    assert batch.warnings == 2
    followed = client.get(done.url)
    assert "Import finished: 9 created, 0 updated, 0 unchanged, 2 warnings." in (
        followed.content.decode()
    )


def test_it_imports_an_xlsx_file_through_the_same_flow(client, caseworker):
    campaign = make_campaign()
    client.force_login(caseworker)
    data = xlsx_bytes(
        [
            ["Force", "Period", "Measure", "Breakdown", "Category", "Value", "Note"],
            ["Northumbria", "2016/17", None, None, None, 323, None],
            ["Durham", "2016/17", None, "victim_age", 13, 12.0, None],
        ]
    )

    preview = upload(client, campaign, "returns.xlsx", data)
    confirm(client, preview)

    assert sorted(Figure.objects.values_list("category", "value")) == [("", 323), ("13", 12)]


def test_it_shows_every_problem_and_offers_no_confirm(client, caseworker):
    campaign = make_campaign()
    client.force_login(caseworker)
    data = csv_bytes("Northumbria,2016/17,,,,-4,", "Nowhere Constabulary,2016/17,,,,1,")

    response = upload(client, campaign, "bad.csv", data)

    page = response.content.decode()
    assert "Row 2, column value: &#x27;-4&#x27; is negative" in page
    assert "Row 3, column force: Unknown force" in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Figure.objects.exists() and not ImportBatch.objects.exists()


def test_it_refuses_an_undecodable_file_with_a_clear_message(client, caseworker):
    campaign = make_campaign()
    client.force_login(caseworker)

    response = upload(client, campaign, "bad.csv", b"force,period,value\n\x81\x8d\x8f,1,2\n")

    assert "neither UTF-8 nor Windows-1252" in response.content.decode()
    assert not Figure.objects.exists()


def test_it_forbids_import_to_staff_without_the_permission(client, outsider, verifier):
    campaign = make_campaign()
    for user in (outsider, verifier):
        client.force_login(user)
        response = upload(client, campaign, "r.csv", (HERE / "clean_long.csv").read_bytes())
        assert response.status_code == 403
    assert not Figure.objects.exists()


def test_it_lists_figures_with_filters(client, caseworker):
    campaign = make_campaign()
    client.force_login(caseworker)
    confirm(client, upload(client, campaign, "r.csv", (HERE / "clean_long.csv").read_bytes()))

    changelist = reverse("admin:returns_figure_changelist")
    response = client.get(
        changelist, {"status": "suppressed", "verified": "no", "q": "Northumbria"}
    )

    assert response.status_code == 200
    assert list(response.context["cl"].queryset.values_list("raw_value", flat=True)) == ["<5"]
