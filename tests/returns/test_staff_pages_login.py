"""Every staff page beside the admin sends a visitor without an admin login to the login page."""

import pytest

from tests.factories import CampaignFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls():
    campaign = CampaignFactory(slug="ocso")
    foi_request = FOIRequestFactory(campaign=campaign)
    return [
        "/returns/overdue/",
        f"/returns/requests/{foi_request.pk}/verify/",
        "/returns/datasets/",
        "/returns/campaigns/ocso/dataset/",
        "/returns/statistics/",
        "/returns/statistics/ocso/",
        "/returns/statistics/ocso/charts/ages.svg",
    ]


def test_it_sends_anonymous_visitors_to_the_admin_login(client, urls):
    for url in urls:
        response = client.get(url) if "verify" not in url else client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/?next="), url


def test_it_sends_a_staff_member_in_no_role_away_with_403(client, outsider, urls):
    client.force_login(outsider)
    for url in urls:
        response = client.get(url) if "verify" not in url else client.post(url)
        assert response.status_code == 403, url


def test_it_puts_every_staff_url_behind_the_one_decorator():
    from returns import roles, urls

    permissions = {value for value in vars(roles).values() if str(value).startswith("returns.")}
    for pattern in urls.urlpatterns:
        assert pattern.callback.staff_permission in permissions, pattern.name


def test_it_lists_on_the_admin_home_only_the_pages_the_user_may_open(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("stats-only", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_statssnapshot"))
    client.force_login(user)

    home = client.get("/admin/").content.decode()

    assert "/returns/statistics/" in home
    assert "/returns/overdue/" not in home and "/returns/datasets/" not in home
    assert client.get("/returns/statistics/").status_code == 200
    assert client.get("/returns/overdue/").status_code == 403
