"""Staff pages beside the admin. Every page needs an admin login (staff_member_required sends
anyone else to the admin's login page); each view then checks its role's permission."""

from django.contrib.admin.views.decorators import staff_member_required
from django.urls import path

from returns.views import overdue
from returns.views import statistics as statistics_views
from returns.views import verification as verification_views

app_name = "returns"


def staff_path(route, view, name):
    return path(route, staff_member_required(view), name=name)


urlpatterns = [
    staff_path("overdue/", overdue.overdue_board, "overdue_board"),
    staff_path(
        "requests/<int:request_id>/verify/",
        verification_views.verify_request_figures,
        "verify_request_figures",
    ),
    staff_path("datasets/", verification_views.datasets_index, "datasets_index"),
    staff_path(
        "campaigns/<slug:slug>/dataset/", verification_views.dataset_download, "dataset_download"
    ),
    staff_path("statistics/", statistics_views.statistics_index, "statistics_index"),
    staff_path("statistics/<slug:slug>/", statistics_views.statistics_page, "statistics_page"),
    staff_path(
        "statistics/<slug:slug>/charts/<str:name>.<str:fmt>",
        statistics_views.statistics_chart,
        "statistics_chart",
    ),
]
