"""Staff roles created by migrate: what each may do, in the permission table and in the admin."""

import pytest
from django.contrib.auth.models import Group

from returns.roles import ADMINISTRATORS, CASEWORKERS, VERIFIERS, sync_roles

pytestmark = pytest.mark.django_db


def test_it_creates_the_three_roles_on_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        CASEWORKERS,
        VERIFIERS,
        ADMINISTRATORS,
    }


def test_it_lets_caseworkers_log_requests_and_enter_figures_but_not_verify(caseworker):
    assert caseworker.has_perms(
        [
            "returns.add_foirequest",
            "returns.add_figure",
            "returns.change_figure",
            "returns.add_importbatch",
            "forces.change_force",
        ]
    )
    assert not caseworker.has_perm("returns.verify_figure")
    assert not caseworker.has_perm("returns.export_dataset")


def test_it_lets_verifiers_verify_and_export_but_not_enter_figures(verifier):
    assert verifier.has_perms(
        ["returns.verify_figure", "returns.export_dataset", "returns.view_figure"]
    )
    assert not verifier.has_perm("returns.add_figure")
    assert not verifier.has_perm("returns.change_foirequest")


def test_it_gives_administrators_everything_in_the_project(administrator):
    assert administrator.has_perms(
        ["returns.delete_figure", "returns.verify_figure", "forces.delete_force", "auth.add_user"]
    )
    assert not administrator.is_superuser


def test_it_keeps_roles_in_step_when_synced_again():
    group = Group.objects.get(name=VERIFIERS)
    group.permissions.clear()
    sync_roles()
    assert group.permissions.filter(codename="verify_figure").exists()


@pytest.mark.parametrize(
    "persona, status",
    [("caseworker", 200), ("verifier", 403), ("administrator", 200), ("outsider", 403)],
)
def test_it_enforces_roles_in_the_admin_add_figure_page(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/admin/returns/figure/add/").status_code == status


@pytest.mark.parametrize("persona, status", [("caseworker", 200), ("outsider", 403)])
def test_it_shows_the_force_directory_to_staff_in_a_role(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/forces/force/")
    assert response.status_code == status
    if status == 200:
        assert "Northumbria Police" in response.content.decode()
        assert "No FOI address" in response.content.decode()
