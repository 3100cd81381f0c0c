"""Messages to forces: fill in the editable EmailTemplate rows, send by email, log the message.

Templates and the request wording hold only named placeholders (returns/placeholders.py),
filled in with plain text, as written (no HTML escaping: "O'Brien", "&").

Every message is logged as a Correspondence row first (state draft) and only then handed to the
mail server: `claim` takes the draft for one run (draft -> sending, one UPDATE, so two runs
never both get it), and the row becomes "sent" once the server has accepted it. So a message is
never recorded as sent when it was not, and a crash while sending leaves a row "being sent" that
says so (staff check and send by hand) rather than a message that a re-run would send twice.

Every message about a request can be answered and filed under it (README: Configuration):
its subject ends with our reference, " [FOIR-00042]", added here whatever the template says (and
the force's own reference, once known, if the template left it out); it has a Message-ID,
recorded on the draft before it is sent; its Reply-To is REPLY_TO_ADDRESS with the request's
reply token; and a message after the request says In-Reply-To and References the request's own
Message-ID, so that mail programs thread the conversation.

A force without an FOI email address still gets its message drafted and logged, flagged for
staff in `needs_attention`: never silently skipped, never marked sent.
"""

from __future__ import annotations

import logging
import os
from datetime import date
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, make_msgid
from django.utils import timezone

from returns import deadlines, placeholders, regimes, stages
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
    chases_receipt_of: date | None = None,
) -> Correspondence:
    """Log the rendered message as an outgoing draft; `deliver` sends it.

    `address` defaults to the force's FOI email; `needs_attention` to why staff must act, if
    they must (no address, or not yet confirmed sent); `chases_receipt_of`, for a chase step,
    the date of receipt it chases (returns/chasing.py).
    """
    subject, body = render(template_key, foi_request, on_date=on_date, **(extra_context or {}))
    force = foi_request.force
    subject = with_references(
        subject, foi_request, to_force=kind != Correspondence.Kind.COMMISSIONER
    )
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
        message_id=new_message_id(),
        needs_attention=needs_attention[:200],
        chases_receipt_of=chases_receipt_of,
        created_by=user,
    )
    if attachment is not None:
        correspondence.attachment.save(
            os.path.basename(attachment.name or "attachment"), attachment, save=False
        )
    correspondence.save()
    return correspondence


def deliver(correspondence: Correspondence) -> bool:
    """Claim a drafted message and email it to its address; True once the mail server took it.

    Call it after the row is committed: if the email went but the row were rolled back, nothing
    would show it had been sent, and the next run would send it again.
    """
    if not correspondence.address or not claim(correspondence):
        return False
    return transmit(correspondence)


def claim(correspondence: Correspondence) -> bool:
    """Take a draft for sending, for this run only: False if it is no longer a draft (another
    run took it) or has no address. Until `transmit` hears back, the row says it may have gone."""
    if not correspondence.address:
        return False
    taken = Correspondence.objects.filter(
        pk=correspondence.pk, state=Correspondence.State.DRAFT
    ).update(state=Correspondence.State.SENDING, needs_attention=NOT_CONFIRMED)
    if taken:
        correspondence.state = Correspondence.State.SENDING
        correspondence.needs_attention = NOT_CONFIRMED
    return bool(taken)


def transmit(correspondence: Correspondence) -> bool:
    """Email a message this run has claimed; sent, or back to a flagged draft if it failed."""
    if correspondence.state != Correspondence.State.SENDING:
        raise ValueError(f"Correspondence {correspondence.pk} was not claimed for sending.")
    try:
        email_for(correspondence).send()
    except Exception as error:  # SMTP and socket errors alike: staff must know it did not go.
        logger.exception("Sending correspondence %s failed", correspondence.pk)
        _mark(correspondence, Correspondence.State.DRAFT, SEND_FAILED.format(error=error))
        return False
    _mark(correspondence, Correspondence.State.SENT, "")
    return True


def email_for(correspondence: Correspondence) -> EmailMessage:
    """The email of a logged message, with the headers that let the force's reply find it."""
    foi_request = correspondence.request
    headers = {"Message-ID": correspondence.message_id or new_message_id()}
    thread = thread_root(correspondence)
    if thread:
        headers |= {"In-Reply-To": thread, "References": thread}
    message = EmailMessage(
        subject=correspondence.subject,
        body=correspondence.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[correspondence.address],
        reply_to=[reply_to_address(foi_request)],
        headers=headers,
    )
    if correspondence.attachment:
        with correspondence.attachment.open("rb") as stored:
            message.attach(os.path.basename(stored.name), stored.read())
    return message


def _mark(correspondence, state, needs_attention):
    correspondence.state = state
    correspondence.needs_attention = needs_attention[:200]
    correspondence.save(update_fields=["state", "needs_attention"])


# --- What makes a message answerable ---------------------------------------------------------


def reply_to_address(foi_request) -> str:
    """Where the force's replies about this request go: REPLY_TO_ADDRESS with its reply token,
    e.g. foi+k3f9q2x7m4ab@charity.org.uk."""
    return settings.REPLY_TO_ADDRESS.replace("{token}", foi_request.reply_token)


def subject_tag(foi_request) -> str:
    """Our reference as every subject carries it: "[FOIR-00042]"."""
    return f"[{foi_request.our_reference}]"


def with_references(subject: str, foi_request, *, to_force: bool = True) -> str:
    """The subject with our reference at the end, and, in a message to the force, the force's
    own reference once known (unless the template already put it in), within 300 characters."""
    suffix = ""
    reference = foi_request.reference
    if to_force and reference and reference not in subject:
        suffix += f" (your reference {reference})"
    tag = subject_tag(foi_request)
    if tag not in subject:
        suffix += f" {tag}"
    return (subject[: 300 - len(suffix)].rstrip() + suffix).strip()


def new_message_id() -> str:
    """A Message-ID on the From address's domain: <...@charity.org.uk>."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
    return make_msgid(domain=domain)


def thread_root(correspondence: Correspondence) -> str:
    """The Message-ID of the request's first message sent, which later messages reply to."""
    if correspondence.kind == Correspondence.Kind.REQUEST:
        return ""
    first = (
        Correspondence.objects.filter(
            request_id=correspondence.request_id,
            direction=Correspondence.Direction.OUT,
            kind=Correspondence.Kind.REQUEST,
            state=Correspondence.State.SENT,
        )
        .exclude(message_id="")
        .order_by("date", "created_at", "pk")
        .values_list("message_id", flat=True)
        .first()
    )
    return first or ""


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
        "chasers_sent": chasers_sentence(foi_request),
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


def chasers_sentence(foi_request) -> str:
    """' Reminders were sent on 3 February 2026 and 16 February 2026.' (the chasers really
    sent), or nothing when none was: a letter never claims a chaser that did not go."""
    days = stages.chasers_sent(foi_request) if foi_request.pk else []
    if not days:
        return ""
    dates = join_periods([placeholders.format_date(day) for day in days])
    if len(days) == 1:
        return f" A reminder was sent on {dates}."
    return f" Reminders were sent on {dates}."


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
