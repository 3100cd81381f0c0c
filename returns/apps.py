from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_migrate


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "FOI returns"

    def ready(self):
        from forces.models import Under18Population
        from returns import figure_changes
        from returns.defaults import seed_new_regimes
        from returns.models import FOIRequest
        from returns.roles import sync_roles
        from returns.snapshots import populations_changed, requests_changed

        post_migrate.connect(sync_roles, dispatch_uid="returns.sync_roles")
        # SQLite drops a table's triggers when a migration rebuilds it (returns/figure_changes.py).
        pre_migrate.connect(figure_changes.before_migrate, dispatch_uid="returns.fc_before")
        post_migrate.connect(figure_changes.after_migrate, dispatch_uid="returns.fc_after")
        post_migrate.connect(seed_new_regimes, dispatch_uid="returns.seed_new_regimes")
        # Populations are edited one row at a time (admin, a small non-bulk import), so a signal
        # sees every change; figures, written in bulk, call mark_data_changed explicitly instead.
        for signal in (post_save, post_delete):
            signal.connect(
                populations_changed,
                sender=Under18Population,
                dispatch_uid=f"returns.populations_changed.{signal}",
            )
            signal.connect(
                requests_changed, sender=FOIRequest, dispatch_uid=f"returns.requests.{signal}"
            )
