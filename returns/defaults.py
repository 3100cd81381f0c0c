"""Reference rows seeded by migrations: exemptions and the default wording of each message.

The wording uses the placeholders of returns/placeholders.py ({force}, {campaign}, {due_date} ...).
"""

FOIA_EXEMPTIONS = [
    ("s.12", "Cost of compliance exceeds appropriate limit"),
    ("s.14", "Vexatious or repeated request"),
    ("s.21", "Information accessible by other means"),
    ("s.22", "Information intended for future publication"),
    ("s.23", "Information supplied by, or relating to, bodies dealing with security matters"),
    ("s.24", "National security"),
    ("s.30", "Investigations and proceedings"),
    ("s.31", "Law enforcement"),
    ("s.38", "Health and safety"),
    ("s.40", "Personal information"),
    ("s.41", "Information provided in confidence"),
    ("s.43", "Commercial interests"),
]
FOISA_EXEMPTIONS = [
    ("s.12", "Excessive cost of compliance"),
    ("s.14", "Vexatious or repeated requests"),
    ("s.17", "Information not held"),
    ("s.25", "Information otherwise accessible"),
    ("s.27", "Information intended for future publication"),
    ("s.31", "National security and defence"),
    ("s.34", "Investigations by Scottish public authorities and proceedings"),
    ("s.35", "Law enforcement"),
    ("s.38", "Personal information"),
    ("s.39", "Health, safety and the environment"),
]

ACTS = {
    "foia": "the Freedom of Information Act 2000",
    "foisa": "the Freedom of Information (Scotland) Act 2002",
}
COMMISSIONERS = {
    "foia": "the Information Commissioner",
    "foisa": "the Scottish Information Commissioner",
}

REQUEST_WORDING = (
    "Under the Freedom of Information Act, please tell me the figures {force} holds for "
    '"{campaign}" for each of the financial years {periods} '
    "(1 April to 31 March), broken down as set out below where you can."
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
    ("chaser", "foia"): (
        "Overdue FOI request{reference_suffix}: {campaign}",
        'Dear {force} FOI team,\n\nOur request "{campaign}", received on {received_on}, was due '
        "for a reply by {due_date} under section 10(1) of {act}. We have not yet received a "
        "response. Please reply as soon as possible, or tell us when we can expect one."
        + _SIGNATURE,
    ),
    ("second_chaser", "foia"): (
        "Second reminder: overdue FOI request{reference_suffix}",
        'Dear {force} FOI team,\n\nOur request "{campaign}" was due by {due_date} and is now '
        "{days_overdue} working days overdue. Unless we hear from you, we will ask for an "
        "internal review of your failure to respond." + _SIGNATURE,
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
        "{received_on}, due by {due_date}. We asked for an internal review on "
        "{review_requested_on}, due by {review_due_date}, and have had no reply. Our chasers "
        "are attached from the correspondence log." + _SIGNATURE,
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
        "Second reminder: overdue FOI request{reference_suffix}",
        'Dear {force} FOI team,\n\nOur request "{campaign}" was due by {due_date} and is now '
        "{days_overdue} working days overdue. Unless we hear from you, we will require a review "
        "under section 20 of {act}." + _SIGNATURE,
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
