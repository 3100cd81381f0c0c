app_name = "returns"

urlpatterns: list = [
    # Staff pages beside the admin (overdue board, statistics) are added here.
]
