"""Staff pages beside the admin, one line each. Every view is a `@staff_page` (admin login, then
its role's permission: returns/views/access.py); those with a menu entry are listed on the admin
home in this order."""

from django.urls import path

from returns.views import importing, overdue
from returns.views import statistics as statistics_views
from returns.views import verification as verification_views

app_name = "returns"

urlpatterns = [
    path("overdue/", overdue.overdue_board, name="overdue_board"),
    path("statistics/", statistics_views.statistics_index, name="statistics_index"),
    path("statistics/<slug:slug>/", statistics_views.statistics_page, name="statistics_page"),
    path(
        "statistics/<slug:slug>/status.json",
        statistics_views.statistics_status,
        name="statistics_status",
    ),
    path(
        "statistics/<slug:slug>/charts/<str:name>.<str:fmt>",
        statistics_views.statistics_chart,
        name="statistics_chart",
    ),
    path("datasets/", verification_views.datasets_index, name="datasets_index"),
    path(
        "campaigns/<slug:slug>/dataset/",
        verification_views.dataset_download,
        name="dataset_download",
    ),
    path("figures/import-template.csv", importing.import_template, name="figure_import_template"),
    path(
        "requests/<int:request_id>/verify/",
        verification_views.verify_request_figures,
        name="verify_request_figures",
    ),
]
