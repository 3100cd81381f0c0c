"""Staff confirm (or change) the kind of a received email: only then does it move the clock.

- response / refusal: the final response, dated from the message (a refusal also records the
  outcome and the exemptions it cites);
- clarification: the clock stops (FOIA s.1(3)) until the charity answers;
- extension: the public-interest extension (FOIA s.10(3)), with the date the force named;
- acknowledgement: the force's reference, if the request has none;
- bounce: the request is flagged as not delivered; auto-reply and other change nothing.

Changing a kind away from a delivery failure clears the flag it set.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from returns.models import Correspondence, Exemption, FOIRequest
from returns.replies import classify


@transaction.atomic
def confirm(correspondence: Correspondence, kind: str, user=None) -> Correspondence:
    if kind not in classify.KINDS:
        raise ValueError(f"Not a kind of reply: {kind}")
    correspondence = Correspondence.objects.select_for_update().get(pk=correspondence.pk)
    request = FOIRequest.objects.select_related("force").get(pk=correspondence.request_id)
    before = correspondence.kind
    if before == classify.BOUNCE and kind != classify.BOUNCE:
        _clear_not_delivered(request, correspondence)
    correspondence.kind = kind
    correspondence.kind_confirmed = True
    correspondence.kind_confirmed_by = user
    correspondence.kind_confirmed_at = timezone.now()
    if correspondence.needs_attention.startswith("Delivery failure") and kind != "bounce":
        correspondence.needs_attention = ""
    correspondence.save()
    EFFECTS.get(kind, _nothing)(request, correspondence)
    request._change_reason = f"{classify.LABELS[kind].capitalize()} confirmed from the email of "
    request._change_reason += f"{correspondence.date:%d/%m/%Y}"
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
    if request.law.extension is None:
        return  # FOISA has no public-interest extension: nothing to record
    request.status = FOIRequest.Status.EXTENDED
    request.extension_notice_on = correspondence.date
    named = classify.date_named(classify.own_text(correspondence.body, correspondence.subject))
    if named is not None:
        request.extended_due_date = named


def _acknowledgement(request, correspondence):
    reference = classify.force_reference(f"{correspondence.subject}\n{correspondence.body}")
    if reference and not request.reference:
        request.reference = reference


def _bounce(request, correspondence):
    if not request.has_final_response:
        request.not_delivered_on = correspondence.date


def _nothing(request, correspondence):
    pass


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
