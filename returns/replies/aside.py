"""Setting aside a received email that is not a force's reply (spam, a newsletter, a colleague's
note), and bringing it back (README: Replies).

Set aside, an email leaves Unmatched replies and stays in Received emails, its raw message
kept; who set it aside and when are recorded on it. Only an email not filed under a request can
be set aside, and a set-aside one is not filed until it is brought back: the rows are locked, so
staff filing and setting aside the same email at once cannot both win.
"""

from django.db import transaction
from django.utils import timezone

from returns.models import InboundMessage

LABEL = "Not a force's reply"


def set_aside(messages, user) -> list[InboundMessage]:
    """Set aside those of `messages` (a queryset) that are unfiled and not set aside yet; the
    ones set aside."""
    with transaction.atomic():
        chosen = list(_locked(messages).unmatched())
        now = timezone.now()
        InboundMessage.objects.filter(pk__in=[m.pk for m in chosen]).update(
            set_aside_at=now, set_aside_by=user
        )
    for message in chosen:
        message.set_aside_at, message.set_aside_by = now, user
    return chosen


def bring_back(messages) -> list[InboundMessage]:
    """Bring those of `messages` (a queryset) that are set aside back to Unmatched replies."""
    with transaction.atomic():
        chosen = list(_locked(messages).filter(set_aside_at__isnull=False))
        InboundMessage.objects.filter(pk__in=[m.pk for m in chosen]).update(
            set_aside_at=None, set_aside_by=None
        )
    for message in chosen:
        message.set_aside_at, message.set_aside_by = None, None
    return chosen


def _locked(messages):
    return InboundMessage.objects.select_for_update().filter(pk__in=messages.values("pk"))
