import pytest

from returns.tasks import ping


@pytest.mark.worker
def test_it_runs_a_task_on_a_real_worker_through_redis(live_worker):
    assert live_worker.conf.broker_url.startswith("redis")
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
