"""Staff confirm (or change) the kind of a received email: only then does it move the clock.

- response / refusal: the final response, dated from the message (a refusal also records the
  outcome and the exemptions it cites);
- clarification: the clock stops (FOIA s.1(3)) until the charity answers;
- extension: the public-interest extension (FOIA s.10(3)), with the date the force named when
  it is later than the statutory due date (else staff are asked to record it; a date beyond the
  ICO's 40 working days is kept and flagged: docs/deadlines.md);
- acknowledgement: the force's reference, if the request has none;
- bounce: the request is flagged as not delivered; auto-reply and other change nothing.

Changing a confirmed kind (a "final response" that was only an acknowledgement) undoes what
the old kind recorded, where the request still holds it from this message, so the clock and
the chasing run again; changing a kind away from a delivery failure clears the flag it set.
"""

from __future__ import annotations

import re
from string import Formatter

from django.db import transaction
from django.utils import timezone

from returns import deadlines
from returns.dates import en_gb
from returns.models import Correspondence, Exemption, FOIRequest, NonWorkingDay
from returns.replies import classify

NO_LATER_DATE = (
    "No date after the statutory due date found in the notice: record the date the force "
    "named (estimated date) on the request."
)
BEYOND_ICO_LIMIT = (
    "The force named {named}, beyond the {days} working days from receipt the ICO expects "
    "(by {limit})."
)
NO_EXTENSION = "{act} has no public-interest extension: the due date stands."


def _found_again(template, **fields):
    """A pattern for the notes `template` writes, each of its {fields} as the given pattern."""
    return "".join(
        re.escape(literal) + (fields[name] if name else "")
        for literal, name, _, _ in Formatter().parse(template)
    )


# The notes above, found again to be taken back when the kind changes.
_DAY = r"\d{1,2} \w{3} \d{4}"  # en_gb: "3 Mar 2026"
EXTENSION_NOTES = re.compile(
    "|".join(
        [
            _found_again(NO_LATER_DATE),
            _found_again(BEYOND_ICO_LIMIT, named=_DAY, days=r"\d+", limit=_DAY),
            _found_again(NO_EXTENSION, act=r"\S+ \d{4}"),
        ]
    )
)


@transaction.atomic
def confirm(correspondence: Correspondence, kind: str, user=None) -> Correspondence:
    if kind not in classify.KINDS:
        raise ValueError(f"Not a kind of reply: {kind}")
    correspondence = Correspondence.objects.select_for_update().get(pk=correspondence.pk)
    request = FOIRequest.objects.select_related("force").get(pk=correspondence.request_id)
    before = correspondence.kind
    if before == classify.BOUNCE and kind != classify.BOUNCE:
        _clear_not_delivered(request, correspondence)
    elif correspondence.kind_confirmed and before != kind:
        UNDO.get(before, _nothing)(request, correspondence)
    correspondence.kind = kind
    correspondence.kind_confirmed = True
    correspondence.kind_confirmed_by = user
    correspondence.kind_confirmed_at = timezone.now()
    if correspondence.needs_attention.startswith("Delivery failure") and kind != "bounce":
        correspondence.needs_attention = ""
    EFFECTS.get(kind, _nothing)(request, correspondence)
    correspondence.save()
    request._change_reason = f"{classify.LABELS[kind].capitalize()} confirmed from the email of "
    request._change_reason += f"{correspondence.date:%d/%m/%Y}"
    if before != kind:
        request._change_reason += f" (was: {classify.LABELS[before]})"
    if user is not None:
        request._history_user = user
    request.save()
    return correspondence


def _final(request, correspondence):
    request.responded_on = correspondence.date
    request.status = FOIRequest.Status.ANSWERED


def _refusal(request, correspondence):
    _final(request, correspondence)
    request.outcome = FOIRequest.Outcome.REFUSED
    sections = classify.exemptions_cited(
        classify.own_text(correspondence.body, correspondence.subject)
    )
    if sections:
        request.exemptions.add(
            *Exemption.objects.filter(regime=request.regime, section__in=sections)
        )


def _clarification(request, correspondence):
    request.status = FOIRequest.Status.CLARIFICATION
    request.clarification_requested_on = correspondence.date


def _extension(request, correspondence):
    extension = request.law.extension
    if extension is None:  # FOISA has no public-interest extension: nothing to record
        _flag(correspondence, NO_EXTENSION.format(act=request.law.short_name))
        return
    request.status = FOIRequest.Status.EXTENDED
    request.extension_notice_on = correspondence.date
    named = classify.date_named(classify.own_text(correspondence.body, correspondence.subject))
    if named is None or (request.due_date and named <= request.due_date):
        # Not an extension's date (a quoted date of receipt, or none): staff read the notice.
        _flag(correspondence, NO_LATER_DATE)
        return
    request.extended_due_date = named
    limit = _latest_extension(request, extension.max_working_days)
    if limit and named > limit:
        _flag(
            correspondence,
            BEYOND_ICO_LIMIT.format(
                named=en_gb(named), days=extension.max_working_days, limit=en_gb(limit)
            ),
        )


def _flag(correspondence, text):
    """Add why staff must look to what filing noted (a match note, a refused attachment)."""
    if text not in correspondence.needs_attention:
        correspondence.needs_attention = f"{text} {correspondence.needs_attention}".strip()[:200]


def _latest_extension(request, working_days):
    start = request.clock_started_on
    if start is None:
        return None
    extra_days = NonWorkingDay.for_regime(request.regime)
    return deadlines.due_date(start, request.regime, working_days, extra_days)


def _acknowledgement(request, correspondence):
    reference = classify.force_reference(f"{correspondence.subject}\n{correspondence.body}")
    if reference and not request.reference:
        request.reference = reference


def _bounce(request, correspondence):
    if not request.has_final_response:
        request.not_delivered_on = correspondence.date


def _nothing(request, correspondence):
    pass


def _running_status(request):
    return FOIRequest.Status.EXTENDED if request.extended_due_date else FOIRequest.Status.AWAITING


def _undo_final(request, correspondence):
    if request.responded_on == correspondence.date:  # still the answer this email gave
        request.responded_on = None
        request.status = _running_status(request)


def _undo_refusal(request, correspondence):
    if request.responded_on != correspondence.date:
        return
    _undo_final(request, correspondence)
    if request.outcome == FOIRequest.Outcome.REFUSED:
        request.outcome = ""
    sections = classify.exemptions_cited(
        classify.own_text(correspondence.body, correspondence.subject)
    )
    request.exemptions.remove(*request.exemptions.filter(section__in=sections))


def _undo_clarification(request, correspondence):
    if (
        request.status == FOIRequest.Status.CLARIFICATION
        and request.clarification_requested_on == correspondence.date
    ):
        request.clarification_requested_on = None
        request.status = _running_status(request)


def _undo_extension(request, correspondence):
    if request.extension_notice_on == correspondence.date:
        request.extension_notice_on = request.extended_due_date = None
        if request.status == FOIRequest.Status.EXTENDED:
            request.status = FOIRequest.Status.AWAITING
    notes = EXTENSION_NOTES.sub("", correspondence.needs_attention)
    correspondence.needs_attention = " ".join(notes.split())


def _clear_not_delivered(request, correspondence):
    others = request.correspondence.filter(kind=classify.BOUNCE).exclude(pk=correspondence.pk)
    if not others.exists():
        request.not_delivered_on = None


EFFECTS = {
    classify.RESPONSE: _final,
    classify.REFUSAL: _refusal,
    classify.CLARIFICATION: _clarification,
    classify.EXTENSION: _extension,
    classify.ACKNOWLEDGEMENT: _acknowledgement,
    classify.BOUNCE: _bounce,
}


# What each kind recorded, taken back when staff change a confirmed kind (where the request
# still holds it from this email).
UNDO = {
    classify.RESPONSE: _undo_final,
    classify.REFUSAL: _undo_refusal,
    classify.CLARIFICATION: _undo_clarification,
    classify.EXTENSION: _undo_extension,
}
