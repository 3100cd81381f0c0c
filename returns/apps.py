from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "FOI returns"

    def ready(self):
        from returns.roles import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="returns.sync_roles")
