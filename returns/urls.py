from django.urls import path

from returns.views import overdue
from returns.views import statistics as statistics_views

app_name = "returns"

urlpatterns: list = [
    # Staff pages beside the admin (overdue board, statistics) are added here.
    path("overdue/", overdue.overdue_board, name="overdue_board"),
    path("statistics/", statistics_views.statistics_index, name="statistics_index"),
    path("statistics/<slug:slug>/", statistics_views.statistics_page, name="statistics_page"),
    path(
        "statistics/<slug:slug>/charts/<str:name>.<str:fmt>",
        statistics_views.statistics_chart,
        name="statistics_chart",
    ),
]
