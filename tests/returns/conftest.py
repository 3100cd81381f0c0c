import pytest

from returns import snapshots


@pytest.fixture
def recomputes():
    """Every stored statistics recompute, as (campaign_id, data_version), seen through the signal
    (sent from the worker thread too)."""
    seen = []

    def record(sender, campaign_id, data_version, **kwargs):
        seen.append((campaign_id, data_version))

    snapshots.statistics_recomputed.connect(record)
    yield seen
    snapshots.statistics_recomputed.disconnect(record)


@pytest.fixture
def eager_tasks():
    """Celery tasks run inline where they are queued (as with CELERY_TASK_ALWAYS_EAGER)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
