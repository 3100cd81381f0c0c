"""The beat task fetches replies on a real Celery worker (Redis broker, dovecot mailbox)."""

import pytest

from returns import tasks
from returns.models import Correspondence, FOIRequest
from tests.returns.replies_helpers import ImapMailbox, Round, raw_email


@pytest.mark.worker
def test_it_files_replies_from_the_mailbox_on_a_real_worker(live_worker, settings):
    imap = ImapMailbox(settings)
    round_ = Round()
    imap.append(
        raw_email("10_refusal_s12.eml", round_),
        raw_email("01_acknowledgement_our_ref.eml", round_),
        raw_email("06_bounce_dsn.eml", round_),
    )

    result = tasks.fetch_replies.delay().get(timeout=60)

    assert result == {"configured": True, "new": 3, "duplicates": 0, "failed": []}
    assert imap.unseen() == 0
    durham = FOIRequest.objects.get(pk=round_.durham.pk)
    northumbria = FOIRequest.objects.get(pk=round_.northumbria.pk)
    assert durham.correspondence.get(direction="in").kind == "refusal"
    assert northumbria.reference == "FOI 001234/17"
    assert northumbria.not_delivered_on is not None
    assert Correspondence.replies_to_confirm().filter(request=durham).exists()


@pytest.mark.worker
def test_it_returns_quietly_without_a_mailbox(live_worker, settings):
    settings.IMAP_HOST = ""

    assert tasks.fetch_replies.delay().get(timeout=30) == {"configured": False}
