"""Force emails in the words and shapes forces really send (tests/returns/files/emails/real/):
acknowledgements with the force's own reference in its many shapes, extensions,
clarifications, refusals (s.12, s.14, exemptions, NCND; one in Welsh), disclosures in full and
in part, "not held" notices, internal review acknowledgements and outcomes, holding emails,
out-of-office replies and delivery failures. Each file's source is in its expected.json.

Placeholders: %%OUR_REF%% (our reference), %%TOKEN%% (the request's reply token) and
%%OUR_ID%% (our request's Message-ID, without its angle brackets).
"""

import json
from datetime import date
from pathlib import Path

import pytest

from returns.models import Correspondence
from returns.replies import classify
from returns.replies.parse import parse
from returns.replies.store import ingest
from tests.factories import CampaignFactory, FOIRequestFactory, force
from tests.returns.replies_helpers import classified

REAL = Path(__file__).resolve().parent / "files" / "emails" / "real"
EXPECTED = json.loads((REAL / "expected.json").read_text())
CORPUS = sorted(EXPECTED)


def filled(name, our_ref="FOIR-00042", token="abcd1234efgh", our_id="request-42@charity.example"):
    raw = (REAL / name).read_bytes()
    for placeholder, value in (("OUR_REF", our_ref), ("TOKEN", token), ("OUR_ID", our_id)):
        raw = raw.replace(f"%%{placeholder}%%".encode(), value.encode())
    return raw


@pytest.mark.parametrize("name", CORPUS)
def test_it_suggests_the_kind_a_careful_reader_would(name):
    email, verdict = classified(filled(name))

    assert not email.problems
    assert verdict.kind == EXPECTED[name]["kind"], verdict.reason


@pytest.mark.parametrize("name", CORPUS)
def test_it_reads_the_forces_own_reference_in_its_shape(name):
    assert classified(filled(name))[1].force_reference == EXPECTED[name]["force_reference"]


@pytest.mark.parametrize("name", [name for name in CORPUS if "exemptions" in EXPECTED[name]])
def test_it_names_the_exemptions_a_real_refusal_cites(name):
    assert classified(filled(name))[1].exemptions == EXPECTED[name]["exemptions"]


@pytest.mark.parametrize("name", [name for name in CORPUS if "extended_to" in EXPECTED[name]])
def test_it_reads_the_date_a_real_extension_names(name):
    expected = date.fromisoformat(EXPECTED[name]["extended_to"])

    assert classified(filled(name))[1].extended_to == expected


def test_it_covers_every_kind_of_reply_from_forces_of_all_four_nations():
    kinds = {entry["kind"] for entry in EXPECTED.values()}
    forces = {entry["force"] for entry in EXPECTED.values()}

    assert kinds == set(classify.KINDS)
    assert {"Police Scotland", "Police Service of Northern Ireland", "Gwent Police"} <= forces
    assert all(entry["source"] for entry in EXPECTED.values())


@pytest.mark.django_db
@pytest.mark.parametrize("name", CORPUS)
def test_it_files_each_real_force_email_under_its_request(name):
    expected = EXPECTED[name]
    request = FOIRequestFactory(campaign=CampaignFactory(), force=force(expected["force"]))
    our_id = f"request-{request.pk}@charity.example"
    Correspondence.objects.create(
        request=request,
        direction=Correspondence.Direction.OUT,
        kind=Correspondence.Kind.REQUEST,
        date=request.sent_on,
        address=request.force.foi_email or "foi@force.example",
        subject="Freedom of Information request: online child sexual offences",
        message_id=f"<{our_id}>",
    )

    result = ingest(
        filled(name, request.our_reference, request.reply_token, our_id), "file"
    ).as_json()

    assert (result["request"], result["matched_by"]) == (
        request.our_reference,
        expected["matched_by"],
    )
    assert result["suggested_kind"] == expected["kind"]
    request.refresh_from_db()
    assert request.reference == expected["force_reference"]


@pytest.mark.django_db
def test_it_keeps_a_change_reason_naming_an_exchange_message_id_within_the_history():
    request = FOIRequestFactory()
    message_id = (
        "<LO2P265MB59330B7E4C1D2A3B4C5D6E7F8A9B0C1D@LO2P265MB5933.GBRP265.PROD.OUTLOOK.COM>"
    )
    request.reference = "72029"
    request._change_reason = f"From the force's email {message_id}"

    request.save()

    reason = request.history.first().history_change_reason
    assert len(reason) == 100 and reason.startswith("From the force's email <LO2P265MB")


def test_it_reads_a_sentence_starting_if_as_what_may_happen_not_what_did():
    text = "We hold it. If any parts are refused then a refusal notice is sent.\nIf unhappy, write."

    assert "refus" not in classify.without_conditionals(text)
    assert "We hold it." in classify.without_conditionals(text)


@pytest.mark.parametrize(
    "body",
    [
        "Thank you for your request. If you could clarify which offences you mean, we can "
        "proceed with your request.",
        "Thank you for your email. If you could please confirm the time period you require, "
        "we will be able to progress your request.",
    ],
)
def test_it_reads_if_you_could_as_a_question_not_a_condition(body):
    email = parse(f"From: foi@kent.police.uk\nSubject: RE: FOI request\n\n{body}\n".encode())

    assert classify.classify(email).kind == "clarification"


@pytest.mark.parametrize("leave", ["annual", "maternity", "paternity", "sick"])
def test_it_reads_any_kind_of_leave_as_an_out_of_office_reply(leave):
    email = parse(
        b"From: officer@kent.police.uk\nSubject: RE: FOI request\n\nThank you for your email. "
        + f"I am currently on {leave} leave. Please write to foi@kent.police.uk.\n".encode()
    )

    assert classify.classify(email).kind == "auto_reply"


@pytest.mark.django_db
def test_it_files_a_reply_under_the_reference_its_acknowledgement_gave_without_the_foi_prefix():
    """The acknowledgement said "reference 004512/26"; the response's subject, rewritten by the
    force's case system, says "FOI 004512/26". With two open requests to the force, the
    domain cannot decide: the reference does."""
    hampshire = force("Hampshire and Isle of Wight Constabulary")
    request = FOIRequestFactory(campaign=CampaignFactory(), force=hampshire, reference="004512/26")
    FOIRequestFactory(campaign=CampaignFactory(), force=hampshire)

    result = ingest(filled("41_hampshire_please_see_attached_subject_rewritten.eml"), "file")

    assert (result.as_json()["request"], result.as_json()["matched_by"]) == (
        request.our_reference,
        "force_reference",
    )


@pytest.mark.parametrize(
    "reference, same",
    [("FOI 004512/26", "004512/26"), ("FOIA 2026/0107", "2026/0107"), ("RFI 2026-096", "2026-096")],
)
def test_it_reads_a_reference_with_or_without_its_foi_prefix_as_one(reference, same):
    assert classify.normalised_reference(reference) == classify.normalised_reference(same)


def test_it_keeps_a_prefix_that_is_part_of_the_reference():
    assert classify.normalised_reference("IM-FOI-2026-0942") != classify.normalised_reference(
        "2026-0942"
    )
    assert classify.normalised_reference("F-2026-00123") == "F202600123"
