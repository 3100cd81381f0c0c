"""An Administrator manages staff accounts but cannot make, edit or become a superuser."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from returns.roles import ADMINISTRATORS, CASEWORKERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def all_powerful_group(db):
    group = Group.objects.create(name="Everything")
    group.permissions.set(Permission.objects.all())
    return group


def change_form_data(user, **changes):
    """What the user change form posts for `user` as it stands, with `changes` on top."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "09:00:00",
    }
    data.update(changes)
    return data


def test_it_ignores_a_forged_post_that_makes_a_caseworker_superuser(
    client, administrator, caseworker
):
    client.force_login(administrator)
    all_permissions = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    response = client.post(
        f"/admin/auth/user/{caseworker.pk}/change/",
        change_form_data(caseworker, is_superuser="on", user_permissions=all_permissions),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    caseworker.refresh_from_db()
    assert not caseworker.is_superuser
    assert not caseworker.user_permissions.exists()


def test_it_ignores_a_forged_post_by_which_an_administrator_promotes_themself(
    client, administrator
):
    client.force_login(administrator)
    client.post(
        f"/admin/auth/user/{administrator.pk}/change/",
        change_form_data(administrator, is_superuser="on"),
    )
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_it_shows_superuser_status_read_only_to_an_administrator(client, administrator, caseworker):
    client.force_login(administrator)
    html = client.get(f"/admin/auth/user/{caseworker.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="user_permissions"' not in html
    assert 'name="groups"' in html


def test_it_lets_an_administrator_give_a_role_they_hold(client, administrator, caseworker):
    client.force_login(administrator)
    caseworkers, admins = (
        Group.objects.get(name=CASEWORKERS),
        Group.objects.get(name=ADMINISTRATORS),
    )
    response = client.post(
        f"/admin/auth/user/{caseworker.pk}/change/",
        change_form_data(caseworker, groups=[str(caseworkers.pk), str(admins.pk)]),
    )
    assert response.status_code == 302
    assert set(caseworker.groups.all()) == {caseworkers, admins}


def test_it_refuses_a_group_with_more_than_the_administrator_holds(
    client, administrator, caseworker, all_powerful_group
):
    client.force_login(administrator)
    response = client.post(
        f"/admin/auth/user/{caseworker.pk}/change/",
        change_form_data(caseworker, groups=[str(all_powerful_group.pk)]),
    )
    assert response.status_code == 200  # the form again, with an error
    assert "Select a valid choice" in response.content.decode()
    assert not caseworker.groups.filter(pk=all_powerful_group.pk).exists()


def test_it_keeps_a_superusers_account_view_only_for_an_administrator(
    client, administrator, superuser
):
    client.force_login(administrator)
    page = client.get(f"/admin/auth/user/{superuser.pk}/change/")
    assert page.status_code == 200
    assert 'name="username"' not in page.content.decode()  # read-only view
    forged = client.post(
        f"/admin/auth/user/{superuser.pk}/change/",
        change_form_data(superuser, username="renamed", is_active=""),
    )
    assert forged.status_code == 403
    password = client.post(
        f"/admin/auth/user/{superuser.pk}/password/",
        {"password1": "taken over 12345", "password2": "taken over 12345"},
    )
    assert password.status_code == 403
    superuser.refresh_from_db()
    assert superuser.username == "root" and superuser.is_active
    assert superuser.check_password("correct horse battery")


def test_it_keeps_groups_read_only_for_an_administrator(client, administrator):
    client.force_login(administrator)
    admins = Group.objects.get(name=ADMINISTRATORS)
    assert client.get(f"/admin/auth/group/{admins.pk}/change/").status_code == 200
    forged = client.post(
        f"/admin/auth/group/{admins.pk}/change/",
        {
            "name": ADMINISTRATORS,
            "permissions": list(Permission.objects.values_list("pk", flat=True)),
        },
    )
    assert forged.status_code == 403
    assert client.get("/admin/auth/group/add/").status_code == 403


def test_it_still_lets_a_superuser_make_a_superuser(client, superuser, caseworker):
    client.force_login(superuser)
    response = client.post(
        f"/admin/auth/user/{caseworker.pk}/change/",
        change_form_data(caseworker, is_superuser="on"),
    )
    assert response.status_code == 302
    assert User.objects.get(pk=caseworker.pk).is_superuser
