"""Messages to forces: rendered from the editable templates, emailed, logged as correspondence."""

from datetime import date

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from returns import messaging
from returns.models import Correspondence, EmailTemplate
from tests.factories import CampaignFactory, FOIRequestFactory, force

pytestmark = pytest.mark.django_db


@pytest.fixture
def northumbria():
    northumbria = force("Northumbria Police")
    northumbria.foi_email = "foi@northumbria.example"
    northumbria.save()
    return northumbria


@pytest.fixture
def foi_request(northumbria):
    campaign = CampaignFactory(
        title="Online child sexual offences 2017",
        periods=["2015/16", "2016/17", "2017/18"],
    )
    return FOIRequestFactory(campaign=campaign, force=northumbria)


def test_it_fills_the_request_wording_with_the_force_and_its_periods(foi_request):
    subject, body = messaging.render("request", foi_request)

    assert subject == "Freedom of Information request: Online child sexual offences 2017"
    assert (
        "how many sexual offences against under-18s Northumbria Police recorded with an online "
        "flag in each of the financial years 2015/16, 2016/17 and 2017/18." in body
    )
    assert "the Freedom of Information Act 2000" in body


def test_it_uses_the_scottish_act_for_police_scotland():
    request = FOIRequestFactory(force=force("Police Scotland"))

    _, body = messaging.render("request", request)

    assert "the Freedom of Information (Scotland) Act 2002" in body


def test_it_renders_the_text_as_written_without_html_escaping(foi_request):
    foi_request.campaign.title = "Rape & sexual assault: O'Brien's \"figures\""
    foi_request.campaign.save()

    subject, _ = messaging.render("request", foi_request)

    assert subject == "Freedom of Information request: Rape & sexual assault: O'Brien's \"figures\""


def test_it_uses_the_template_as_staff_edited_it(foi_request):
    EmailTemplate.objects.filter(key="chaser", regime="foia").update(
        subject="Still waiting: {force}",
        body="{days_overdue} working days late (due {due_date}).",
    )
    foi_request.due_date = date(2026, 2, 2)

    subject, body = messaging.render("chaser", foi_request, on_date=date(2026, 2, 9))

    # Tue 3 to Fri 6 Feb (4), Mon 9 Feb (5).
    assert (subject, body) == (
        "Still waiting: Northumbria Police",
        "5 working days late (due 2 February 2026).\n",
    )


def test_it_names_the_template_that_does_not_render(foi_request):
    EmailTemplate.objects.filter(key="chaser", regime="foia").update(body="{% if %}")

    with pytest.raises(messaging.MessageError, match="body of the email template Chaser"):
        messaging.render("chaser", foi_request)


def test_it_says_which_template_is_missing(foi_request):
    EmailTemplate.objects.filter(key="chaser", regime="foia").delete()

    with pytest.raises(messaging.MessageError, match='no email template "chaser" for FOIA 2000'):
        messaging.render("chaser", foi_request)


def send(foi_request, *args, **kwargs):
    """Log the message as a draft, then email it: the two steps every sending path takes."""
    row = messaging.draft(foi_request, *args, **kwargs)
    messaging.deliver(row)
    return row


def test_it_emails_the_force_and_logs_the_message_as_sent(foi_request, caseworker):
    row = send(
        foi_request, "request", Correspondence.Kind.REQUEST, date(2026, 1, 5), user=caseworker
    )

    row.refresh_from_db()
    assert (row.direction, row.kind, row.state, row.date, row.address, row.needs_attention) == (
        "out",
        "request",
        "sent",
        date(2026, 1, 5),
        "foi@northumbria.example",
        "",
    )
    assert row.created_by == caseworker
    [email] = mail.outbox
    assert email.to == ["foi@northumbria.example"]
    assert (email.subject, email.body) == (row.subject, row.body)


def test_it_drafts_and_flags_a_message_to_a_force_with_no_address(foi_request, northumbria):
    northumbria.foi_email = ""
    northumbria.save()

    row = send(foi_request, "request", "request", date(2026, 1, 5))

    row.refresh_from_db()
    assert row.state == Correspondence.State.DRAFT
    assert row.address == ""
    assert row.needs_attention.startswith("No FOI email address for Northumbria Police")
    assert "Northumbria Police" in row.body
    assert mail.outbox == []


def test_it_keeps_the_message_as_a_flagged_draft_when_the_mail_server_refuses_it(
    foi_request, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    row = send(foi_request, "request", "request", date(2026, 1, 5))

    row.refresh_from_db()
    assert row.state == Correspondence.State.DRAFT
    assert row.needs_attention.startswith("Sending failed (")


def test_it_attaches_a_file_to_the_email_and_keeps_it_on_the_row(foi_request):
    row = send(
        foi_request,
        "request",
        "request",
        date(2026, 1, 5),
        attachment=ContentFile(b"force,period\n", name="template.csv"),
    )

    row.refresh_from_db()
    assert row.attachment.read() == b"force,period\n"
    [email] = mail.outbox
    [(name, content, _)] = email.attachments
    assert name.startswith("template") and name.endswith(".csv")
    assert content in (b"force,period\n", "force,period\n")


def test_it_joins_periods_in_plain_english():
    assert messaging.join_periods([]) == ""
    assert messaging.join_periods(["2015/16"]) == "2015/16"
    assert messaging.join_periods(["2015/16", "2016/17"]) == "2015/16 and 2016/17"
