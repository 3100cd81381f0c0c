from django.urls import path

from returns.views import overdue

app_name = "returns"

urlpatterns: list = [
    # Staff pages beside the admin (overdue board, statistics) are added here.
    path("overdue/", overdue.overdue_board, name="overdue_board"),
]
