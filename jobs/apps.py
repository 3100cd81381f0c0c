from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Long-running work"

    def ready(self):
        # Each app's jobs.py registers its kinds of long work (jobs/registry.py).
        autodiscover_modules("jobs")
