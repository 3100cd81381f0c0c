"""What kind of reply a force's email is: a suggestion with its reason, for staff to confirm.

Pure rules over a parsed email (returns/replies/parse.py), no database. The kinds and what each
means for the request's clock are in the README ("Replies"):

- bounce: a delivery status notification (RFC 3464 multipart/report) or a mailer daemon's
  failure notice;
- auto_reply: an automatic answer (RFC 3834 Auto-Submitted: auto-replied, X-Autoreply,
  X-Autorespond, Precedence: auto_reply) or out-of-office wording;
- acknowledgement, clarification (FOIA s.1(3)), extension (FOIA s.10(3)), refusal (s.12, s.14,
  exemptions) and response: the highest score of the wording rules below, each rule a phrase
  forces use (their standard letters); attachments count towards a response.

The force's own reference ("FOI 001234/17"), the exemptions a refusal cites and an extension's
new date are read at the same time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from returns.replies.parse import ParsedEmail, forward_mark

ACKNOWLEDGEMENT = "acknowledgement"
AUTO_REPLY = "auto_reply"
BOUNCE = "bounce"
CLARIFICATION = "clarification"
EXTENSION = "extension"
REFUSAL = "refusal"
RESPONSE = "response"
OTHER = "other"
KINDS = [ACKNOWLEDGEMENT, AUTO_REPLY, BOUNCE, CLARIFICATION, EXTENSION, REFUSAL, RESPONSE, OTHER]

LABELS = {
    ACKNOWLEDGEMENT: "acknowledgement",
    AUTO_REPLY: "auto-reply",
    BOUNCE: "delivery failure",
    CLARIFICATION: "clarification question",
    EXTENSION: "public-interest extension",
    REFUSAL: "refusal",
    RESPONSE: "final response",
    OTHER: "other",
}


@dataclass
class Classification:
    kind: str
    reason: str
    force_reference: str = ""
    exemptions: list[str] = field(default_factory=list)  # "s.12", "s.40" ...
    extended_to: date | None = None


def _rules(*pairs):
    return [(re.compile(pattern, re.IGNORECASE), weight) for pattern, weight in pairs]


OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|autoreply|"
    r"auto:|away from (the )?office|absence notification)",
    re.IGNORECASE,
)
OUT_OF_OFFICE = re.compile(
    r"\b(I am|I'm|I will be|currently)\s+(out of (the )?office|"
    r"on (annual |maternity |paternity |parental |sick |study )?leave|away from "
    r"(the|my) (office|desk))|\bout of (the )?office (until|from|on|and)\b|\bon annual leave\b"
    r"|\blimited access to (my )?e-?mail|\bback in the office on\b",
    re.IGNORECASE,
)
# On-premises Exchange sends its non-delivery reports from "MicrosoftExchange" and a GUID.
BOUNCE_SENDER = re.compile(
    r"^(mailer-daemon|postmaster|mail-daemon|microsoftexchange[0-9a-f]{32})@", re.IGNORECASE
)
BOUNCE_SUBJECT = re.compile(
    r"undeliverable|undelivered mail|delivery status notification|delivery (has )?failed|"
    r"mail delivery (failed|failure|subsystem)|returned mail|failure notice|"
    r"could not be delivered",
    re.IGNORECASE,
)

# A notice that the reply waits behind a secure-messaging link (Egress and the like): its kind
# is the reply's, which only staff can read.
SECURE_MESSAGE = re.compile(
    r"\b(has )?sent you an? (secure|encrypted) (e-?mail|message)\b|\bEgress (Switch|Protect)\b",
    re.IGNORECASE,
)
SECURE_MESSAGE_REASON = (
    "A secure-message notice: the force's reply is behind its link. Open it, then confirm the "
    "kind the reply itself has."
)

# Welsh forces write "adran 12(1)" for "section 12(1)" (a Welsh-only reply is theirs to send).
SECTION_WORD = r"(?:section|adran|s\.?)"

SCORED = {
    ACKNOWLEDGEMENT: _rules(
        (r"\backnowledg(e|ed|es|ing|ement)\b", 3),
        (r"\b(no later than|within) (the statutory timescale of )?(20|twenty) working days", 2),
        (r"\b(your request|it) will (now )?be (considered|dealt with)\b", 2),
        (r"\b(has|have) been (received|logged|registered|passed to)", 2),
        (r"\bwe (will|shall|aim to|endeavour to) (respond|reply|provide (you with )?a resp)", 2),
        (
            r"\b(should|will|can expect to) receive (a|our|your) response (\w+ ){0,5}?"
            r"(by|on or before|within)\b",
            3,
        ),
        (r"\bis being (dealt with|processed|considered)\b", 1),
        (r"\b(due|response) date\b", 1),
    ),
    CLARIFICATION: _rules(
        (r"\b(section|s\.?)\s?1\s?\(3\)", 4),
        (r"\b(please|could you|can you|would you)\s+(\w+\s+){0,3}clarify\b", 3),
        (r"\b(grateful|appreciate it) if you (could|would|can)\s+(\w+\s+){0,2}clarify\b", 3),
        (r"\bif you (could|can|would)\s+(please\s+)?(clarify|confirm|specify)\b", 3),
        (r"\b(in order )?to (identify|enable us to identify) and locate the information\b", 2),
        (r"\b(require|need|request|seek)\w*\s+(some\s+|further\s+)?clarification\b", 3),
        (r"\bclarification (is|will be) (required|needed)\b", 3),
        (r"\b(clock|20 working days?)\s+(\w+\s+){0,4}(stopped|paused|on hold|will not start)", 2),
        (
            r"\b(until|once|when) (we|the force) (receive|receives|have received|has received) "
            r"(your|the) clarification",
            2,
        ),
        (r"\bplease (can you )?(confirm|specify) (what|which|whether|the)\b", 1),
        (r"\b(can|could|would) you (please )?(confirm|specify) (what|which|whether|if)\b", 3),
        (r"\bbefore we can (progress|proceed with|process|deal with) your request\b", 2),
    ),
    EXTENSION: _rules(
        (r"\b(section|s\.?)\s?10\s?\(3\)", 4),
        (r"\b(section|s\.?)\s?17\s?\(2\)", 3),
        (
            r"\b(extend|extension of|additional time|further time|more time)\b.{0,80}"
            r"\bpublic interest\b",
            3,
        ),
        (
            r"\bpublic interest (test|considerations?)\b.{0,120}\b(extend|extension|"
            r"additional time|further time|more time)\b",
            3,
        ),
        # FOIA s.17(2): "has not yet reached a decision" on the public interest, and an estimate.
        (r"\bnot yet reached a decision\b|\bestimate (that )?we will (reach|make) a decision\b", 2),
        (
            r"\b(now )?(aim|expect|hope) to (respond|provide (you with )?(a|our) (full )?response)"
            r"\b.{0,40}\bby\b",
            1,
        ),
    ),
    REFUSAL: _rules(
        (r"\bexceed(s|ed)? the (appropriate|cost|fees?) limit", 4),
        (r"\b(appropriate|cost) limit\b", 2),
        (rf"\b{SECTION_WORD}\s?12\b", 2),
        (r"\b18 hours\b|£450\b", 2),
        (r"\b(section|s\.?)\s?14\b|\bvexatious\b|\brepeated request\b", 3),
        (r"\bneither confirm(s)? nor deny\b|\bNCND\b", 3),
        (r"\b(is|are|has been) (therefore )?refused\b|\brefusal notice\b", 3),
        (r"\b(section|s\.?)\s?17(\s?\(\d\))? notice\b", 2),
        (r"\bexempt (from disclosure )?(under|by virtue of)\b", 2),
        (r"\b(unable|not able|not obliged) to (provide|comply|disclose)\b", 2),
    ),
    RESPONSE: _rules(
        (r"\bplease find (attached|enclosed|below|our response)", 3),
        (
            r"\b(the )?(requested )?information (you requested |requested )?is "
            r"(attached|enclosed|provided|as follows|below)",
            3,
        ),
        (r"\b(attached|enclosed) (is|are|please find)\b", 2),
        (r"\bplease see (the )?(attached|enclosed)\b", 3),
        (
            r"\b(is|are) (now )?(disclosed|provided|released|supplied|set out)( to you)?"
            r"( in (full|part))? (below|as follows|overleaf)",
            3,
        ),
        (r"\bthis (now )?(concludes|completes) (your request|our response|the request)\b", 3),
        (r"\bconfirms? that (the |this )?information (you requested |requested )?is held\b", 2),
        # The letter's own title: "Freedom of Information Response", "FOI Disclosure - ...".
        (r"^(re:\s*)?(freedom of information|foia?|foisa)\b.{0,30}\b(response|disclosure)\b", 2),
        (r"\b(figures|numbers|data) (\w+ ){0,2}(is|are) (as follows|provided below)", 3),
        (r"\bhas (now )?located (the )?information\b", 2),
        (r"\b(our|my|the force'?s?) (full |final )?response\b", 1),
        (r"\bin response to your request\b", 1),
        (r"\bresponse (is )?(set out )?below\b|\bour response is as follows\b", 3),
        (r"\bdisclosure\b|\bdisclosed\b", 1),
        # The MPS's decision line, in full or in part: "I have today decided to disclose some of
        # the requested information" (a partial disclosure is a response: README, Replies).
        (r"\bdecided to disclose\b", 3),
        (r"\b(can|is able to) confirm that\b.{0,60}\b(holds?|does hold|do hold)\b", 2),
        (
            r"\binformation (\w+ ){0,2}(is )?not held\b|\bdoes not hold\b|\bdo not hold\b",
            3,
        ),
        (r"\bright of (appeal|complaint)\b|\binternal review\b", 1),
        # The outcome of a review of a failure to respond is the answer itself (FOISA s.21(4)
        # "I have also reached a decision on your request"; FOIA internal reviews likewise).
        (
            r"\b(completed|conducted) (my|our|the|a|an) (internal )?review\b|"
            r"\breached a decision on your request\b",
            3,
        ),
    ),
}
# Ties go to the kind that matters most if missed.
PRECEDENCE = [REFUSAL, EXTENSION, CLARIFICATION, RESPONSE, ACKNOWLEDGEMENT]
RESPONSE_ATTACHMENT = re.compile(r"\.(xlsx|xls|csv|pdf|docx|doc|ods|odt)$", re.IGNORECASE)
MINIMUM_SCORE = 2


def classify(email: ParsedEmail, attachment_names=()) -> Classification:
    text = f"{email.subject}\n{without_conditionals(own_text(email.body, email.subject))}"
    reference = force_reference(f"{email.subject}\n{email.body}")
    automatic = automatic_reason(email)
    if automatic:
        return Classification(automatic[0], automatic[1], reference)
    if SECURE_MESSAGE.search(text) or email.sender_domain.endswith("egress.com"):
        return Classification(OTHER, SECURE_MESSAGE_REASON, reference)
    kind, reason = _scored_kind(text, attachment_names)
    if kind == OTHER and _auto_header(email):
        return Classification(AUTO_REPLY, _auto_header(email), reference)
    result = Classification(kind, reason, reference)
    if kind == REFUSAL:
        result.exemptions = exemptions_cited(text)
    if kind == EXTENSION:
        result.extended_to = date_named(text)
    return result


def automatic_reason(email: ParsedEmail):
    """(kind, reason) for a delivery failure or an out-of-office reply, else None."""
    if email.is_delivery_report:
        return BOUNCE, "A delivery status notification (multipart/report; delivery-status)."
    if BOUNCE_SENDER.match(email.sender) and BOUNCE_SUBJECT.search(email.subject):
        return BOUNCE, f'Sent by {email.sender} with the subject "{_quote(email.subject)}".'
    auto = email.headers.get("auto-submitted", "").lower()
    if auto.startswith("auto-replied"):
        return AUTO_REPLY, f"Auto-Submitted: {auto} (RFC 3834: an automatic reply)."
    if OUT_OF_OFFICE_SUBJECT.match(email.subject):
        return AUTO_REPLY, f'The subject "{_quote(email.subject)}" is an automatic reply\'s.'
    found = OUT_OF_OFFICE.search(own_text(email.body, email.subject)[:2000])
    if found:
        return AUTO_REPLY, f'Says "{_quote(found.group(0))}".'
    return None


def _auto_header(email) -> str:
    """An automatic-message header, for a message whose wording says nothing more."""
    headers = email.headers
    if headers.get("auto-submitted", "no").lower() != "no":
        return f"Auto-Submitted: {headers['auto-submitted']} (RFC 3834), and no reply wording."
    for name in ("x-autoreply", "x-autorespond"):
        if name in headers:
            return f"{name.title()}: {headers[name]}, and no reply wording."
    if headers.get("precedence", "").lower() in ("auto_reply", "auto-reply"):
        return f"Precedence: {headers['precedence']}, and no reply wording."
    return ""


def _scored_kind(text, attachment_names):
    scores, evidence = {}, {}
    for kind, rules in SCORED.items():
        for pattern, weight in rules:
            found = pattern.search(text)
            if found:
                scores[kind] = scores.get(kind, 0) + weight
                evidence.setdefault(kind, []).append(f'"{_quote(found.group(0))}"')
    documents = [name for name in attachment_names if RESPONSE_ATTACHMENT.search(name or "")]
    if documents:
        scores[RESPONSE] = scores.get(RESPONSE, 0) + 2
        evidence.setdefault(RESPONSE, []).append(f"attached {', '.join(documents[:3])}")
    if not scores or max(scores.values()) < MINIMUM_SCORE:
        return OTHER, "No wording of a known kind of reply was found."
    best = max(scores.values())
    kind = next(kind for kind in PRECEDENCE if scores.get(kind) == best)
    label = LABELS[kind]
    article = "an" if label[0] in "aeiou" else "a"
    return kind, f"Looks like {article} {label}: {'; '.join(evidence[kind][:4])}."


# A sentence that starts "If" says what may happen, not what did: "If any or all parts of a
# request are refused then a written refusal notice must be sent" is in forces' disclosures.
# "If you could clarify ..." is a request, not a condition: it stays.
CONDITIONAL = re.compile(
    r"(?:^|(?<=[.!?])|(?<=\n))[ \t]*If\b(?!\s+you\s+(?:could|can|would)\b)[^.!?\n]*[.!?]?",
    re.IGNORECASE,
)


def without_conditionals(text: str) -> str:
    return CONDITIONAL.sub(" ", text)


def _quote(text):
    """`text` on one line, cut at a word to about 60 characters."""
    text = " ".join(text.split())
    if len(text) <= 60:
        return text
    cut = text[:57].rpartition(" ")[0] or text[:57]
    return cut + "..."


# --- The force's own words, not what it quotes ------------------------------------------------

QUOTE_MARK = re.compile(
    r"^\s*(-{3,}\s*Original Message\s*-{3,}|On .{4,120} wrote:|From:\s.+\n\s*(Sent|Date):\s)",
    re.IGNORECASE | re.MULTILINE,
)


def own_text(body: str, subject: str = "") -> str:
    """The newest message of a thread: quoted lines and the quoted earlier messages dropped
    (our own request, quoted back, must not be read as the force's words). In a forward, the
    forwarded message is what counts."""
    forward = forward_mark(body, subject)
    if forward and len(re.findall(r"\w", body[: forward.start()])) < 200:
        body = body[forward.end() :]
    lines = [line for line in body.splitlines() if not line.lstrip().startswith(">")]
    body = "\n".join(lines)
    quoted = QUOTE_MARK.search(body, 1)
    if quoted and len(re.findall(r"\w", body[: quoted.start()])) >= 20:
        body = body[: quoted.start()]
    return body[:20_000]


# --- What the reply says ----------------------------------------------------------------------

REFERENCE_LABEL = re.compile(
    r"\b(?:our\s+ref(?:erence)?s?|foi\s+ref(?:erence)?|ref(?:erence)?\s*(?:no|number|num)?|"
    r"request\s+(?:ref(?:erence)?|number|no|id)|case\s+(?:ref(?:erence)?|number|no)|"
    r"freedom of information (?:request )?(?:ref(?:erence)?|number|no)|"
    r"cyfeirnod(?:\s+rhyddid\s+gwybodaeth)?)\.?\s*[:#.]?\s*"
    r"(?P<ref>(?:[A-Z]{1,5}[\s/.-]?){0,2}\d[\w/.-]*\d(?:[/.-][A-Z0-9]+)*)",
    re.IGNORECASE,
)
YOUR_REFERENCE = re.compile(r"\byour\s+ref(?:erence)?\b", re.IGNORECASE)
# "FOI 001234/17", and with the unit's prefix: "DC/FOI 782/17", "IM-FOI-2021-0942".
BARE_REFERENCE = re.compile(
    r"\b(?P<ref>(?:[A-Z]{1,4}[/-])?(?:FOI|FOIA|FOISA|RFI)[\s/.-]*\d[\d/.-]*\d(?:/[A-Z0-9]+)?)\b",
    re.IGNORECASE,
)
# "your FOIA enquiry 2009100005134": a long number after the words, with no label.
NUMBERED_REQUEST = re.compile(
    r"\bFOIA?\s+(?:request|enquiry|case)\s+(?P<ref>\d{5,}(?:/\d{2,4})?)\b", re.IGNORECASE
)
OUR_REFERENCE = re.compile(r"FOIR-\d+", re.IGNORECASE)


def force_reference(text: str) -> str:
    """The force's own reference for the request ("FOI 001234/17"), or "" (never ours)."""
    for found in REFERENCE_LABEL.finditer(text):
        before = text[max(0, found.start() - 6) : found.start() + 14]
        if YOUR_REFERENCE.search(before) or OUR_REFERENCE.fullmatch(found.group("ref")):
            continue
        return _tidy_reference(found.group("ref"))
    for found in BARE_REFERENCE.finditer(text):
        if not OUR_REFERENCE.search(text[found.start() : found.end() + 2]):
            return _tidy_reference(found.group("ref"))
    found = NUMBERED_REQUEST.search(text)
    return _tidy_reference(found.group("ref")) if found else ""


def _tidy_reference(reference):
    return " ".join(reference.split()).strip(" .-/")[:80]


# An acknowledgement may give "reference 004512/26" and the force's case system then write
# "FOI 004512/26" in its subject: a leading FOI, FOIA, FOISA or RFI is the act's name, not
# part of the reference. One inside it ("IM-FOI-2026-0942") stays.
LEADING_ACT = re.compile(r"^\s*(?:FOI|FOIA|FOISA|RFI)(?![A-Z])[\s/.-]*", re.IGNORECASE)


def normalised_reference(reference: str) -> str:
    """Letters and digits only, upper case, without a leading FOI: "FOI 001234/17",
    "foi/001234/17" and "001234/17" are one."""
    return re.sub(r"[^A-Z0-9]", "", LEADING_ACT.sub("", reference).upper())


SECTION = re.compile(rf"\b{SECTION_WORD}\s?(\d{{1,2}})(?:\s?\(\d\))?", re.IGNORECASE)
EXEMPTION_SECTIONS = {12, 14, *range(21, 45)}


# A cost refusal may name the limit, not the section: "in excess of £450 (equivalent to 18 hours
# work)" (Norfolk and Suffolk) is FOIA s.12, as "£600" is FOISA s.12.
COST_LIMIT = re.compile(
    r"\b(appropriate|costs?) limit\b|£(450|600)\b|\b18 hours\b|\bexcessive cost\b", re.IGNORECASE
)


def exemptions_cited(text: str) -> list[str]:
    found = [(match.start(), int(match.group(1))) for match in SECTION.finditer(text)]
    cost = COST_LIMIT.search(text)
    if cost:
        found.append((cost.start(), 12))
    numbers = [number for _, number in sorted(found)]
    return [f"s.{number}" for number in dict.fromkeys(numbers) if number in EXEMPTION_SECTIONS]


MONTHS = (
    "january february march april may june july august september october november december"
).split()
NAMED_DATE = re.compile(
    r"\b(?:by|before|until|on or before|no later than|by no later than)\s+(?:\w+day,?\s+)?"
    r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r"),?\s+(\d{4})|"
    r"(\d{1,2})/(\d{1,2})/(\d{4}))",
    re.IGNORECASE,
)


def date_named(text: str) -> date | None:
    """The date an extension notice names ("by 5 March 2026", "by 05/03/2026"), if any."""
    found = NAMED_DATE.search(text)
    if not found:
        return None
    day, month, year, d2, m2, y2 = found.groups()
    try:
        if day:
            return date(int(year), MONTHS.index(month.lower()) + 1, int(day))
        return date(int(y2), int(m2), int(d2))
    except ValueError:
        return None
