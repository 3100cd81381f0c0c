"""Celery tasks: thin wrappers around plain functions, taking ids and returning quietly."""

from celery import shared_task


@shared_task
def ping():
    """A round trip through the broker and a worker (used by the health test)."""
    return "pong"


@shared_task
def recompute_statistics(campaign_id):
    """Bring a campaign's statistics snapshot up to date (coalesced: see returns/snapshots.py)."""
    from returns.snapshots import recompute

    return recompute(campaign_id)


@shared_task
def repair_stale_statistics():
    """Beat: recompute every missing or stale snapshot (lost messages, a broker that was down)."""
    from returns.snapshots import repair_stale

    return repair_stale()


@shared_task(name="returns.tasks.chase_overdue")
def chase_overdue():
    """Beat, daily: take today's chase step for every overdue request (returns/chasing.py)."""
    from returns.chasing import chase_overdue

    return [step.as_json() for step in chase_overdue()]


@shared_task
def recompute_deadlines():
    """Beat, daily before the chase: re-derive open requests' due dates from the holiday tables."""
    from returns.rounds import recompute_open_deadlines

    return recompute_open_deadlines()


@shared_task
def send_round(run_id):
    """Send a campaign's unsent requests, with progress on its SendRun (returns/rounds.py)."""
    from returns.rounds import run_sending

    return run_sending(run_id)


@shared_task(bind=True, name="returns.tasks.fetch_replies", max_retries=5)
def fetch_replies(self):
    """Beat, every 5 minutes: take in the forces' new emails (returns/replies/mailbox.py).

    An unreachable mailbox is retried (1, 2, 4, 8, 16 minutes later), each failure recorded
    for the admin; with no mailbox configured it returns quietly.
    """
    from returns.replies import mailbox

    if not mailbox.is_configured():
        return {"configured": False}
    try:
        report = mailbox.fetch_replies()
    except mailbox.MailboxUnreachable as error:
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from None
    return {
        "configured": True,
        "new": len(report.new),
        "duplicates": len(report.taken) - len(report.new),
        "failed": report.failed,
    }
