"""Forces' FOI addresses in bulk through the forces admin: `force,foi_email[,alias]` as CSV or
XLSX, previewed, refused as a whole on any bad row, with a template to download; and the forces
list counting the active forces without an address."""

import csv
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forces.addresses import column_key, header_problems
from forces.models import Force
from tests.factories import force

IMPORT = reverse("admin:forces_force_import")
CONFIRM = reverse("admin:forces_force_process_import")
TEMPLATE = reverse("admin:forces_force_import_template")
FORCES_LIST = reverse("admin:forces_force_changelist")


def csv_file(*lines, name="addresses.csv"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")


def xlsx_file(*rows, name="addresses.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def preview(client, upload):
    return client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0"})


def confirm(client, response):
    form = response.context["confirm_form"]
    return client.post(CONFIRM, {name: form[name].value() for name in form.fields})


def upload(client, *lines):
    """Preview, then confirm: the import as staff do it."""
    response = preview(client, csv_file(*lines))
    assert has_confirm(response), page_text(response)
    return confirm(client, response)


def has_confirm(response):
    return bool(response.context.get("confirm_form"))


def page_text(response):
    """The page with its runs of white space as one space."""
    return " ".join(response.content.decode().split())


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def addresses():
    return dict(Force.objects.exclude(foi_email="").values_list("name", "foi_email"))


# --- Pure rules: the header.


def test_it_reads_headers_as_staff_write_them():
    assert column_key(" Force ") == "force"
    assert column_key("FOI email") == "foi_email"
    assert column_key("foi-email") == "foi_email"


def test_it_names_every_problem_with_the_header():
    assert header_problems(["force", "foi_email", "alias"]) == []
    assert header_problems(["force", "foi_email"]) == []
    assert header_problems(["force", "active"]) == [
        "The file has no 'foi_email' column.",
        "Column 2 ('active') is not one of force, foi_email, alias.",
    ]
    assert header_problems(["force", "foi_email", "force"]) == ["The column 'force' appears twice."]
    assert header_problems(["force", "foi_email", "__blank_3"]) == [
        "Column 3 has values but no header."
    ]


# --- Preview, then confirm.


@pytest.mark.django_db
def test_it_previews_the_changes_and_saves_nothing_until_confirmed(client, caseworker):
    client.force_login(caseworker)

    response = preview(
        client,
        csv_file(
            "force,foi_email",
            "Northumbria Police,foi@northumbria.police.example",
            "Durham Constabulary,",
        ),
    )

    assert response.status_code == 200
    assert has_confirm(response)
    assert "1 force will change; 1 row changes nothing." in page_text(response)
    assert "foi@northumbria.police.example" in page_text(response)
    assert addresses() == {}

    done = confirm(client, response)

    assert done.status_code == 302
    assert addresses() == {"Northumbria Police": "foi@northumbria.police.example"}
    assert messages_of(done) == ["Import finished: 1 force changed, 1 row changed nothing."]


@pytest.mark.django_db
def test_it_finds_the_force_by_name_alias_or_ons_code(client, caseworker):
    client.force_login(caseworker)

    upload(
        client,
        "force,foi_email",
        "Met Police,foi@met.police.example",
        "E23000007,foi@northumbria.police.example",
        "durham,foi@durham.police.example",
    )

    assert addresses() == {
        "Metropolitan Police Service": "foi@met.police.example",
        "Northumbria Police": "foi@northumbria.police.example",
        "Durham Constabulary": "foi@durham.police.example",
    }


@pytest.mark.django_db
def test_it_keeps_an_address_when_its_cell_is_empty(client, caseworker):
    Force.objects.filter(name="Durham Constabulary").update(foi_email="foi@durham.example")
    client.force_login(caseworker)

    upload(client, "force,foi_email", "Durham Constabulary,", "Kent Police,foi@kent.example")

    assert force("Durham Constabulary").foi_email == "foi@durham.example"
    assert force("Kent Police").foi_email == "foi@kent.example"


@pytest.mark.django_db
def test_it_reads_an_xlsx_file_with_headers_in_any_case_and_order(client, caseworker):
    client.force_login(caseworker)

    response = preview(
        client,
        xlsx_file(["FOI email", "Force"], ["foi@kent.example", "Kent Police"], [None, None]),
    )
    confirm(client, response)

    assert addresses() == {"Kent Police": "foi@kent.example"}


# --- Row errors: the whole file refused, each row named.


@pytest.mark.django_db
def test_it_refuses_the_whole_file_when_a_row_names_an_unknown_force(client, caseworker):
    client.force_login(caseworker)

    response = preview(
        client,
        csv_file(
            "force,foi_email",
            "Northumbria Police,foi@northumbria.police.example",
            "Gotham City Police,foi@gotham.example",
        ),
    )

    text = page_text(response)
    assert not has_confirm(response)
    assert "Nothing can be saved: 1 row must be corrected" in text
    assert "<td>3</td>" in text  # the spreadsheet row: the header is row 1
    assert "Unknown force &#x27;Gotham City Police&#x27;." in text
    assert addresses() == {}


@pytest.mark.django_db
def test_it_refuses_an_invalid_address_and_a_force_given_twice(client, caseworker):
    client.force_login(caseworker)

    response = preview(
        client,
        csv_file(
            "force,foi_email",
            "Kent Police,not an address",
            "Northumbria Police,foi@northumbria.police.example",
            "Northumbria,foi@other.example",
        ),
    )

    problems = [(row.number + 1, row.error_dict) for row in response.context["result"].invalid_rows]
    assert problems == [
        (2, {"foi_email": ["Enter a valid email address."]}),
        (4, {"force": ["Northumbria Police is already on row 3."]}),
    ]
    assert not has_confirm(response)
    assert addresses() == {}


@pytest.mark.django_db
def test_it_refuses_a_file_whose_header_is_wrong_without_a_traceback(client, caseworker):
    client.force_login(caseworker)

    response = preview(client, csv_file("force,active", "Kent Police,no"))

    text = page_text(response)
    assert not has_confirm(response)
    assert "The file has no &#x27;foi_email&#x27; column." in text
    assert "Traceback" not in text
    assert force("Kent Police").active


@pytest.mark.django_db
def test_it_saves_nothing_when_a_row_fails_at_the_confirm(client, caseworker):
    """The confirm reads the file again: a force renamed since the preview fails its row, and
    the rows before it are not saved either."""
    client.force_login(caseworker)
    response = preview(
        client,
        csv_file(
            "force,foi_email",
            "Kent Police,foi@kent.example",
            "Durham Constabulary,foi@durham.example",
        ),
    )
    Force.objects.filter(name="Durham Constabulary").update(
        name="Renamed Force", short_name="Renamed", aliases=""
    )

    done = confirm(client, response)

    assert done.status_code == 302
    assert done.url == IMPORT
    assert addresses() == {}
    [message] = messages_of(done)
    assert message.startswith("Nothing was saved: Row 3: Unknown force 'Durham Constabulary'.")


# --- Aliases.


@pytest.mark.django_db
def test_it_adds_an_alias_once(client, caseworker):
    client.force_login(caseworker)
    before = force("Metropolitan Police Service").alias_list
    northumbria = force("Northumbria Police").aliases

    upload(
        client,
        "force,foi_email,alias",
        "Metropolitan Police Service,foi@met.example,Scotland Yard",
        "Northumbria Police,,northumbria police",  # its own name: nothing to add
    )
    upload(client, "force,foi_email,alias", "Metropolitan Police Service,,SCOTLAND  YARD")
    upload(client, "force,foi_email,alias", "Met Police,,The Met")  # one it has already

    assert force("Metropolitan Police Service").alias_list == [*before, "Scotland Yard"]
    assert force("Northumbria Police").foi_email == ""
    assert force("Northumbria Police").aliases == northumbria


@pytest.mark.django_db
def test_it_refuses_an_alias_another_force_answers_to(client, caseworker):
    client.force_login(caseworker)

    response = preview(client, csv_file("force,foi_email,alias", "Kent Police,,Met Police"))

    [row] = response.context["result"].invalid_rows
    assert row.error_dict == {"aliases": ["Already used by another force: Met Police"]}
    assert "Met Police" not in force("Kent Police").alias_list


@pytest.mark.django_db
def test_it_changes_nothing_but_addresses_and_aliases(client, caseworker):
    kent = force("Kent Police")
    client.force_login(caseworker)

    upload(client, "force,foi_email,alias", "Kent Police,foi@kent.example,Kent Constab")

    after = force("Kent Police")
    directory = ["name", "short_name", "ons_code", "nation", "regime", "kind", "active"]
    assert [getattr(after, name) for name in directory] == [
        getattr(kent, name) for name in directory
    ]
    assert (after.foi_email, after.alias_list[-1]) == ("foi@kent.example", "Kent Constab")


# --- Who may import; the template.


@pytest.mark.django_db
@pytest.mark.parametrize("persona, status", [("caseworker", 200), ("administrator", 200)])
def test_it_lets_whoever_edits_addresses_open_the_import(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(IMPORT)

    assert response.status_code == status
    assert TEMPLATE in page_text(response)
    assert "force, foi_email, alias" in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [IMPORT, TEMPLATE])
def test_it_refuses_the_import_to_a_verifier(client, verifier, url):
    client.force_login(verifier)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_it_offers_a_template_of_every_active_force_and_its_address(client, caseworker):
    Force.objects.filter(name="Kent Police").update(foi_email="foi@kent.example")
    Force.objects.filter(name="Durham Constabulary").update(active=False)
    client.force_login(caseworker)

    response = client.get(TEMPLATE)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="force-foi-addresses.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["force", "foi_email", "alias"]
    assert len(rows) == 1 + 47
    assert ["Kent Police", "foi@kent.example", ""] in rows
    assert ["Northumbria Police", "", ""] in rows
    assert not any(row[0] == "Durham Constabulary" for row in rows)


@pytest.mark.django_db
def test_it_takes_the_template_back_filled_in(client, caseworker):
    client.force_login(caseworker)
    template = client.get(TEMPLATE).content.decode("utf-8-sig")
    filled = template.replace("Kent Police,,", "Kent Police,foi@kent.example,")

    response = preview(client, SimpleUploadedFile("template.csv", filled.encode("utf-8-sig")))
    confirm(client, response)

    assert addresses() == {"Kent Police": "foi@kent.example"}


# --- The forces list counts the missing addresses.


@pytest.mark.django_db
def test_it_says_how_many_active_forces_have_no_address(client, caseworker):
    Force.objects.filter(name__in=["Kent Police", "Durham Constabulary"]).update(
        foi_email="foi@example.org"
    )
    Force.objects.filter(name="Dyfed-Powys Police").update(active=False)
    client.force_login(caseworker)

    text = page_text(client.get(FORCES_LIST))

    assert "45 of 47 active forces have no FOI address" in text
    assert f'href="{FORCES_LIST}?active__exact=1&amp;has_address=no"' in text
    assert f'href="{IMPORT}"' in text


@pytest.mark.django_db
def test_it_links_to_a_list_of_exactly_the_forces_missing_an_address(client, caseworker):
    Force.objects.filter(name="Kent Police").update(foi_email="foi@kent.example")
    client.force_login(caseworker)

    response = client.get(FORCES_LIST, {"active__exact": "1", "has_address": "no"})

    assert response.context["cl"].result_count == 47
    assert "Kent Police" not in [f.name for f in response.context["cl"].result_list]


@pytest.mark.django_db
def test_it_says_when_every_active_force_has_an_address(client, caseworker):
    Force.objects.update(foi_email="foi@example.org")
    client.force_login(caseworker)

    text = page_text(client.get(FORCES_LIST))

    assert "All 48 active forces have an FOI address." in text
    assert "have no FOI address" not in text
