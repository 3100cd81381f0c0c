"""Messages to forces: fill in the editable EmailTemplate rows, send by email, log the message.

Templates and the request wording hold only named placeholders (returns/placeholders.py),
filled in with plain text, as written (no HTML escaping: "O'Brien", "&").

Every message is logged as a Correspondence row first (state draft) and only then handed to the
mail server; the row becomes "sent" once the server has accepted it. So a message is never
recorded as sent when it was not, and a crash between the two steps leaves a draft that says so
(staff check and send by hand) rather than a message that a re-run would send twice.

A force without an FOI email address still gets its message drafted and logged, flagged for
staff in `needs_attention`: never silently skipped, never marked sent.
"""

from __future__ import annotations

import logging
import os
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from returns import deadlines, placeholders, regimes
from returns.models import Correspondence, EmailTemplate, NonWorkingDay

logger = logging.getLogger(__name__)

NO_ADDRESS = "No FOI email address for {force}: send this by hand, then mark it as sent."
NOT_CONFIRMED = (
    "Not confirmed as sent: the mail server had not accepted it when this was logged. "
    "Check the mail log before sending it by hand."
)
SEND_FAILED = "Sending failed ({error}): send this by hand, then mark it as sent."


class MessageError(ValueError):
    """A template that is missing or does not render: the message names the template row."""


def draft(
    foi_request,
    template_key: str,
    kind: str,
    on_date: date,
    *,
    user=None,
    extra_context: dict | None = None,
    attachment=None,
    address: str | None = None,
    needs_attention: str | None = None,
) -> Correspondence:
    """Log the rendered message as an outgoing draft; `deliver` sends it.

    `address` defaults to the force's FOI email; `needs_attention` to why staff must act, if
    they must (no address, or not yet confirmed sent).
    """
    subject, body = render(template_key, foi_request, on_date=on_date, **(extra_context or {}))
    force = foi_request.force
    address = force.foi_email if address is None else address
    if needs_attention is None:
        needs_attention = NOT_CONFIRMED if address else NO_ADDRESS.format(force=force)
    correspondence = Correspondence(
        request=foi_request,
        direction=Correspondence.Direction.OUT,
        kind=kind,
        state=Correspondence.State.DRAFT,
        date=on_date,
        address=address,
        subject=subject,
        body=body,
        needs_attention=needs_attention[:200],
        created_by=user,
    )
    if attachment is not None:
        correspondence.attachment.save(
            os.path.basename(attachment.name or "attachment"), attachment, save=False
        )
    correspondence.save()
    return correspondence


def deliver(correspondence: Correspondence) -> bool:
    """Email a drafted message to its address; True once the mail server accepted it.

    Call it after the row is committed: if the email went but the row were rolled back, nothing
    would show it had been sent, and the next run would send it again.
    """
    if correspondence.state != Correspondence.State.DRAFT or not correspondence.address:
        return False
    message = EmailMessage(
        subject=correspondence.subject,
        body=correspondence.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[correspondence.address],
    )
    if correspondence.attachment:
        with correspondence.attachment.open("rb") as stored:
            message.attach(os.path.basename(stored.name), stored.read())
    try:
        message.send()
    except Exception as error:  # SMTP and socket errors alike: staff must know it did not go.
        logger.exception("Sending correspondence %s failed", correspondence.pk)
        _mark(correspondence, Correspondence.State.DRAFT, SEND_FAILED.format(error=error))
        return False
    _mark(correspondence, Correspondence.State.SENT, "")
    return True


def _mark(correspondence, state, needs_attention):
    correspondence.state = state
    correspondence.needs_attention = needs_attention[:200]
    correspondence.save(update_fields=["state", "needs_attention"])


def render(template_key: str, foi_request, **extra) -> tuple[str, str]:
    """(subject, body) of the force's regime's template `template_key` for this request.

    `extra` overrides some values (dates the chasing ladder computes); `on_date` (default
    today) is the day the message is dated, from which `days_overdue` is counted.
    """
    regime = foi_request.force.regime
    try:
        template = EmailTemplate.objects.get(key=template_key, regime=regime)
    except EmailTemplate.DoesNotExist:
        raise MessageError(
            f'There is no email template "{template_key}" for {regimes.label(regime)}: '
            "add it under Email templates."
        ) from None
    # The wording only where it is used: a campaign's broken wording must not stop its chasers.
    with_wording = "{wording}" in template.subject + template.body
    values = context_for(foi_request, with_wording=with_wording, **extra)
    subject = _fill(template.subject, values, f"The subject of the email template {template}")
    body = _fill(template.body, values, f"The body of the email template {template}")
    # A header cannot hold line breaks.
    return " ".join(subject.split())[:300], body.strip() + "\n"


def context_for(
    foi_request, *, on_date: date | None = None, with_wording: bool = True, **extra
) -> dict[str, str]:
    """The value of every placeholder an email template may use (returns/placeholders.py).

    `extra` may override any of them, with a string, a date or a number of days. Without
    `with_wording`, {wording} is left out (and so refused by `fill`).
    """
    unknown = set(extra) - set(placeholders.EMAIL)
    if unknown:
        raise TypeError(f"Not placeholders: {', '.join(sorted(unknown))}")
    force, campaign = foi_request.force, foi_request.campaign
    law = force.law
    regime = law.code
    on_date = on_date or timezone.localdate()
    extra_days = NonWorkingDay.for_regime(regime)
    due = foi_request.effective_due_date
    review_requested_on = foi_request.internal_review_requested_on
    periods = join_periods(campaign.periods)
    reference = foi_request.reference
    values = {
        "force": force.name,
        "campaign": campaign.title,
        "periods": periods,
        "act": law.act,
        "commissioner": law.commissioner.name,
        "reference": reference,
        "reference_suffix": f" (your reference {reference})" if reference else "",
        "received_on": foi_request.clock_started_on,
        "due_date": due,
        "days_overdue": (
            deadlines.working_days_after(due, on_date, regime, extra_days) if due else 0
        ),
        "review_requested_on": review_requested_on,
        "review_due_date": (
            foi_request.internal_review_due_date
            or (
                deadlines.due_date(review_requested_on, regime, law.review.working_days, extra_days)
                if review_requested_on
                else None
            )
        ),
        "on_date": on_date,
    }
    if with_wording:
        values["wording"] = render_wording(campaign, force, periods)
    values.update(extra)
    return {name: _as_text(value) for name, value in values.items()}


def render_wording(campaign, force, periods: str | None = None) -> str:
    """The campaign's request wording with its placeholders ({force}, {periods} ...) filled in."""
    values = {
        "force": force.name,
        "campaign": campaign.title,
        "periods": periods or join_periods(campaign.periods),
        "act": force.law.act,
    }
    return _fill(
        campaign.request_wording, values, f'The request wording of campaign "{campaign}"'
    ).strip()


def join_periods(periods) -> str:
    """["2015/16", "2016/17", "2017/18"] -> "2015/16, 2016/17 and 2017/18"."""
    periods = list(periods or [])
    if len(periods) <= 1:
        return "".join(periods)
    return f"{', '.join(periods[:-1])} and {periods[-1]}"


def _fill(text, values, what):
    # Rows edited outside the forms (or before placeholders) were never validated: say which.
    try:
        return placeholders.fill(text, values)
    except placeholders.PlaceholderError as error:
        raise MessageError(f"{what} cannot be filled in: {error}") from None


def _as_text(value) -> str:
    if isinstance(value, date):
        return placeholders.format_date(value)
    if value is None:
        return ""
    if isinstance(value, str | int):
        return str(value)
    raise TypeError(f"A placeholder value must be text, a date or a number, not {value!r}")
