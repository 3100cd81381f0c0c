"""Reference rows seeded into the database: the default wording of each message, per regime,
and each regime's exemptions (from returns.regimes).

The wording uses the placeholders of returns/placeholders.py ({force}, {campaign}, {due_date} ...);
{act} and {commissioner} come from the force's regime, so letters that differ only in those
share their words. Migration 0002 seeded FOIA and FOISA; a regime added later is seeded by
`seed_new_regimes` after `migrate`.
"""

from returns import regimes

# Everything the wording asks is in it: the letter around it ("request" below) adds only the
# greeting, the Act and the signature.
REQUEST_WORDING = (
    'Please tell me the figures {force} holds for "{campaign}" for each of the financial '
    "years {periods} (1 April to 31 March): the total for each year and, where you can, the "
    "same figures broken down by the victim's age and by offence type."
)

_SIGNATURE = "\n\nYours faithfully,\n\nThe FOI team"
_REQUEST = (
    "Freedom of Information request: {campaign}",
    "Dear {force} FOI team,\n\n{wording}\n\nI make this request under {act}. "
    "Please reply within 20 working days of receipt, as section 10(1) requires." + _SIGNATURE,
)

EMAIL_TEMPLATES = {
    ("request", "foia"): _REQUEST,
    ("request", "foisa"): _REQUEST,
    # Section 10, not 10(1): after a public-interest extension, {due_date} is s.10(3)'s date.
    ("chaser", "foia"): (
        "Overdue FOI request{reference_suffix}: {campaign}",
        'Dear {force} FOI team,\n\nOur request "{campaign}", received on {received_on}, was due '
        "for a reply by {due_date} under section 10 of {act}. We have not yet received a "
        "response. Please reply as soon as possible, or tell us when we can expect one."
        + _SIGNATURE,
    ),
    ("second_chaser", "foia"): (
        "Overdue FOI request, {days_overdue} working days late{reference_suffix}",
        'Dear {force} FOI team,\n\nOur request "{campaign}" was due by {due_date} and is now '
        "{days_overdue} working days overdue.{chasers_sent} Unless we hear from you, we will ask "
        "for an internal review of your failure to respond." + _SIGNATURE,
    ),
    ("internal_review", "foia"): (
        "Request for internal review{reference_suffix}",
        "Dear {force} FOI team,\n\nWe ask for an internal review of your handling of our "
        'request "{campaign}", received on {received_on} and due by {due_date}, to which we '
        "have had no response, {days_overdue} working days after the statutory deadline. The "
        "Code of Practice under section 45 expects a review within 20 working days, by "
        "{review_due_date}." + _SIGNATURE,
    ),
    ("commissioner_complaint", "foia"): (
        "Complaint to the Information Commissioner: {force}",
        "To the Information Commissioner's Office,\n\nWe complain under section 50 of {act} "
        'about {force}\'s failure to respond to our request "{campaign}", received on '
        "{received_on}, due by {due_date}.{chasers_sent} We asked for an internal review on "
        "{review_requested_on}, due by {review_due_date}, and have had no reply. Copies of "
        "what we sent are attached from the correspondence log." + _SIGNATURE,
    ),
    ("commissioner_notice", "foia"): (
        "Complaint to the Information Commissioner{reference_suffix}",
        "Dear {force} FOI team,\n\nAs we have had no response to our request "
        '"{campaign}" nor to our request for internal review, we are referring the '
        "matter to {commissioner}." + _SIGNATURE,
    ),
    ("chaser", "foisa"): (
        "Overdue FOI request{reference_suffix}: {campaign}",
        'Dear {force} FOI team,\n\nOur request "{campaign}", received on {received_on}, was due '
        "for a reply by {due_date} under section 10(1) of {act}. We have not yet received a "
        "response. Please reply as soon as possible." + _SIGNATURE,
    ),
    ("second_chaser", "foisa"): (
        "Overdue FOI request, {days_overdue} working days late{reference_suffix}",
        'Dear {force} FOI team,\n\nOur request "{campaign}" was due by {due_date} and is now '
        "{days_overdue} working days overdue.{chasers_sent} Unless we hear from you, we will "
        "require a review under section 20 of {act}." + _SIGNATURE,
    ),
    ("internal_review", "foisa"): (
        "Requirement for review under section 20 FOISA{reference_suffix}",
        "Dear {force} FOI team,\n\nUnder section 20(1) of {act} we require Police Scotland to "
        'review its failure to respond to our request "{campaign}", received on {received_on} '
        "and due by {due_date}. Section 21(1) requires a response within 20 working days, by "
        "{review_due_date}." + _SIGNATURE,
    ),
    ("commissioner_complaint", "foisa"): (
        "Application to the Scottish Information Commissioner: {force}",
        "To the Scottish Information Commissioner,\n\nWe apply under section 47(1) of {act} "
        'for a decision on {force}\'s failure to respond to our request "{campaign}", received '
        "on {received_on}, and to our requirement for review of {review_requested_on}, due by "
        "{review_due_date}." + _SIGNATURE,
    ),
    ("commissioner_notice", "foisa"): (
        "Application to the Scottish Information Commissioner{reference_suffix}",
        "Dear {force} FOI team,\n\nAs we have had no response to our request "
        '"{campaign}" nor to our requirement for review, we are applying to '
        "{commissioner} under section 47 of {act}." + _SIGNATURE,
    ),
}


def seed(exemption_model, template_model, codes):
    """Create the exemptions and default email templates of the regimes `codes` that are
    missing (rows that exist are left as staff edited them)."""
    for code in codes:
        for section, title in regimes.get(code).exemptions:
            exemption_model.objects.get_or_create(
                regime=code, section=section, defaults={"title": title}
            )
    for (key, code), (subject, body) in EMAIL_TEMPLATES.items():
        if code in codes:
            template_model.objects.get_or_create(
                key=key, regime=code, defaults={"subject": subject, "body": body}
            )


def seed_new_regimes(sender=None, apps=None, **kwargs):
    """After `migrate`: seed each registered regime that has no exemption nor template yet."""
    if sender is not None and sender.name != "returns":
        return
    try:
        exemption_model = apps.get_model("returns", "Exemption")
        template_model = apps.get_model("returns", "EmailTemplate")
    except LookupError:  # migrated back to before these tables
        return
    seeded = {*exemption_model.objects.values_list("regime", flat=True)}
    seeded |= {*template_model.objects.values_list("regime", flat=True)}
    new = [code for code in regimes.REGIMES if code not in seeded]
    if new:
        seed(exemption_model, template_model, new)
