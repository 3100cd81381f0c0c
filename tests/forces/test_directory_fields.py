"""Who a force is (name, short name, ONS code, nation, regime, kind, active) only Administrators
change; caseworkers change its FOI address and aliases (README: Staff roles) — in the form, in
the list's editable column, and whatever a forged POST says."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forces.models import Force
from returns import roles
from tests.factories import force

pytestmark = pytest.mark.django_db

DIRECTORY = ["name", "short_name", "ons_code", "nation", "regime", "kind", "active"]
FORCES_LIST = reverse("admin:forces_force_changelist")


def change_url(a_force):
    return reverse("admin:forces_force_change", args=[a_force.pk])


def directory_of(a_force):
    return {name: getattr(a_force, name) for name in DIRECTORY}


def forged_change(a_force, **changes):
    """Every field of the change form, as a browser would post it, with `changes`."""
    data = {
        "name": a_force.name,
        "short_name": a_force.short_name,
        "ons_code": a_force.ons_code,
        "nation": a_force.nation,
        "regime": a_force.regime,
        "kind": a_force.kind,
        "active": "on",
        "foi_email": a_force.foi_email,
        "aliases": a_force.aliases,
        "_save": "Save",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def list_post(a_force, active):
    """The list's editable column, posted for one force."""
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(a_force.pk),
        "_save": "Save",
    }
    if active:
        data["form-0-active"] = "on"
    return data


HOSTILE_CHANGES = {
    "name": "Renamed by a caseworker",
    "short_name": "Renamed",
    "ons_code": "E23999999",
    "nation": "scotland",
    "regime": "foisa",
    "kind": "special",
    "active": None,  # unticked
}


# --- The permission.


def test_it_lets_administrators_alone_edit_the_directory(caseworker, verifier, administrator):
    assert administrator.has_perm(roles.EDIT_FORCE_DIRECTORY)
    assert not caseworker.has_perm(roles.EDIT_FORCE_DIRECTORY)
    assert not verifier.has_perm(roles.EDIT_FORCE_DIRECTORY)
    assert caseworker.has_perm(roles.EDIT_FORCE_ADDRESSES)


# --- Caseworkers.


def test_it_shows_a_caseworker_the_directory_fields_read_only(client, caseworker):
    kent = force("Kent Police")
    client.force_login(caseworker)

    response = client.get(change_url(kent))

    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == {
        "foi_email",
        "mail_domains",
        "aliases",
    }
    assert set(response.context["adminform"].readonly_fields) == set(DIRECTORY)
    text = response.content.decode()
    assert "Kent Police" in text
    assert 'name="name"' not in text
    assert 'name="ons_code"' not in text


def test_it_ignores_directory_fields_in_a_caseworkers_forged_post(client, caseworker):
    kent = force("Kent Police")
    before = directory_of(kent)
    client.force_login(caseworker)

    response = client.post(
        change_url(kent),
        forged_change(kent, foi_email="foi@kent.example", **HOSTILE_CHANGES),
    )

    assert response.status_code == 302
    after = force("Kent Police")
    assert directory_of(after) == before
    assert after.foi_email == "foi@kent.example"


def test_it_lets_a_caseworker_edit_the_address_and_aliases(client, caseworker):
    kent = force("Kent Police")
    client.force_login(caseworker)

    client.post(
        change_url(kent),
        {"foi_email": "foi@kent.example", "aliases": "Kent; Kent Constab", "_save": "Save"},
    )

    kent.refresh_from_db()
    assert (kent.foi_email, kent.alias_list) == ("foi@kent.example", ["Kent", "Kent Constab"])


def test_it_offers_a_caseworker_no_editable_checkboxes_in_the_list(client, caseworker):
    client.force_login(caseworker)

    response = client.get(FORCES_LIST)

    assert response.context["cl"].list_editable == ()
    assert 'name="form-0-active"' not in response.content.decode()


def test_it_ignores_a_caseworkers_forged_post_to_the_list(client, caseworker):
    kent = force("Kent Police")
    client.force_login(caseworker)

    client.post(FORCES_LIST, list_post(kent, active=False))

    assert force("Kent Police").active


# --- Administrators and superusers.


def test_it_lets_an_administrator_edit_every_field(client, administrator):
    kent = force("Kent Police")
    client.force_login(administrator)

    form = client.get(change_url(kent)).context["adminform"]
    response = client.post(
        change_url(kent),
        forged_change(kent, foi_email="foi@kent.example", **HOSTILE_CHANGES),
    )

    assert form.readonly_fields == ()
    assert response.status_code == 302
    kent.refresh_from_db()
    assert directory_of(kent) == {
        "name": "Renamed by a caseworker",
        "short_name": "Renamed",
        "ons_code": "E23999999",
        "nation": "scotland",
        "regime": "foisa",
        "kind": "special",
        "active": False,
    }


def test_it_lets_an_administrator_untick_active_in_the_list(client, administrator):
    kent = force("Kent Police")
    client.force_login(administrator)

    listed = client.get(FORCES_LIST)
    client.post(FORCES_LIST, list_post(kent, active=False))

    assert listed.context["cl"].list_editable == ["active"]
    assert not Force.objects.get(pk=kent.pk).active


def test_it_lets_a_superuser_edit_the_directory(client):
    superuser = User.objects.create_superuser("root", "root@charity.example", "pw")
    client.force_login(superuser)

    response = client.get(change_url(force("Kent Police")))

    assert "name" in response.context["adminform"].form.fields


# --- The import: caseworkers get the addresses import, never the whole directory entries.

IMPORT = reverse("admin:forces_force_import")
CONFIRM = reverse("admin:forces_force_process_import")
DIRECTORY_FILE = (
    "name,short_name,ons_code,nation,regime,kind,foi_email,active,aliases\n"
    "Kent Police,Renamed,E23999999,scotland,foisa,special,foi@kent.example,0,Kent\n"
)


def upload(name, text):
    return SimpleUploadedFile(name, text.encode(), "text/csv")


def test_it_offers_a_caseworker_only_the_addresses_import(client, caseworker):
    kent = directory_of(force("Kent Police"))
    client.force_login(caseworker)

    page = client.get(IMPORT)
    forged = client.post(
        IMPORT, {"import_file": upload("d.csv", DIRECTORY_FILE), "format": "0", "resource": "1"}
    )

    assert [name for _, name in page.context["form"].fields["resource"].choices] == [
        "FOI addresses (force, foi_email, alias)"
    ]
    assert "resource" in forged.context["form"].errors
    assert directory_of(force("Kent Police")) == kent


def test_it_refuses_a_caseworkers_confirm_forged_for_the_directory_import(client, caseworker):
    kent = directory_of(force("Kent Police"))
    client.force_login(caseworker)
    previewed = client.post(
        IMPORT,
        {
            "import_file": upload("a.csv", "force,foi_email\nKent Police,foi@kent.example\n"),
            "format": "0",
            "resource": "0",
        },
    )
    form = previewed.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}

    response = client.post(CONFIRM, {**data, "resource": "1"})

    assert response.status_code == 403
    assert directory_of(force("Kent Police")) == kent
    assert force("Kent Police").foi_email == ""


def test_it_lets_an_administrator_import_whole_directory_entries(client, administrator):
    client.force_login(administrator)
    previewed = client.post(
        IMPORT, {"import_file": upload("d.csv", DIRECTORY_FILE), "format": "0", "resource": "1"}
    )
    form = previewed.context["confirm_form"]

    client.post(CONFIRM, {name: form[name].value() for name in form.fields})

    kent = Force.objects.get(ons_code="E23999999")
    assert (kent.name, kent.short_name, kent.nation, kent.active) == (
        "Kent Police",
        "Renamed",
        "scotland",
        False,
    )
