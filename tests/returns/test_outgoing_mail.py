"""Every outgoing message is answerable: sent over a real SMTP server (scripts/test starts it).

Each message carries our reference in its subject, the Message-ID recorded on its
correspondence, and a Reply-To with its request's token; chasers thread under the request.
Sending a round runs as a Celery task whose progress the admin shows; two sends at once send
each request once.
"""

import threading
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from returns import chasing, messaging, rounds
from returns.models import Campaign, Correspondence, EmailTemplate, FOIRequest, SendRun
from returns.tasks import send_round
from tests.factories import CampaignFactory, FOIRequestFactory, ForceFactory

# A Monday: due Mon 2 Feb, chaser Tue 3 Feb, review Mon 2 Mar, complaint Wed 1 Apr.
RECEIVED = date(2026, 1, 5)
CHASER_DAY = date(2026, 2, 3)
REVIEW_DAY = date(2026, 3, 2)
COMPLAINT_DAY = date(2026, 4, 1)


def unsent_round(*emails, campaign=None):
    """A campaign asking one made-up force per address ("" = a force without one)."""
    campaign = campaign or CampaignFactory(title="Online child sexual offences 2017")
    for number, address in enumerate(emails):
        the_force = ForceFactory(name=f"Testshire Police {number}", foi_email=address)
        FOIRequestFactory(
            campaign=campaign,
            force=the_force,
            status=FOIRequest.Status.NOT_SENT,
            sent_on=None,
            received_on=None,
        )
    return campaign


def request_row(foi_request):
    return foi_request.correspondence.get(kind=Correspondence.Kind.REQUEST)


@pytest.mark.django_db
def test_it_sends_a_round_over_smtp_with_reference_message_id_and_reply_to(smtp_server):
    campaign = unsent_round("foi@one.example", "foi@two.example", "")

    report = rounds.send_requests(campaign, on_date=RECEIVED)

    assert len(report.sent) == 2 and len(report.flagged) == 1
    delivered = smtp_server.messages()
    assert [message["To"] for message in delivered] == ["foi@one.example", "foi@two.example"]
    for message in delivered:
        foi_request = FOIRequest.objects.get(force__foi_email=message["To"])
        row = request_row(foi_request)
        assert message["Subject"] == (
            f"Freedom of Information request: Online child sexual offences 2017 "
            f"[FOIR-{foi_request.pk:05d}]"
        )
        assert message["Subject"] == row.subject
        assert message["Message-ID"] == row.message_id
        assert row.message_id.endswith("@charity.example>")
        assert message["Reply-To"] == f"foi+{foi_request.reply_token}@charity.example"
        assert message["From"] == "FOI team <foi@charity.example>"
        assert message["In-Reply-To"] is None and message["References"] is None
        assert "Testshire Police" in message.get_content()
        assert (row.state, foi_request.status, foi_request.received_on) == (
            "sent",
            "awaiting",
            RECEIVED,
        )
    # The force without an address: a flagged draft, already tagged and with its Message-ID.
    flagged = FOIRequest.objects.get(force__foi_email="")
    draft = request_row(flagged)
    assert (draft.state, flagged.status) == ("draft", "not_sent")
    assert draft.subject.endswith(f"[{flagged.our_reference}]") and draft.message_id


@pytest.mark.django_db
def test_it_threads_a_chaser_under_the_request_with_both_references(smtp_server):
    campaign = unsent_round("foi@one.example")
    rounds.send_requests(campaign, on_date=RECEIVED)
    foi_request = campaign.requests.get()
    foi_request.reference = "FOI 001234/17"  # the force's, from its acknowledgement
    foi_request.save()

    step = chasing.take_step(foi_request.pk, CHASER_DAY)

    assert (step.kind, step.sent) == ("chaser", True)
    first = smtp_server.one("foi@one.example", "Freedom of Information request")
    chaser = smtp_server.one("foi@one.example", "Overdue")
    assert chaser["Subject"] == (
        "Overdue FOI request (your reference FOI 001234/17): Online child sexual offences 2017 "
        f"[{foi_request.our_reference}]"
    )
    assert chaser["In-Reply-To"] == first["Message-ID"] == request_row(foi_request).message_id
    assert chaser["References"] == first["Message-ID"]
    assert chaser["Message-ID"] == foi_request.correspondence.get(kind="chaser").message_id
    assert chaser["Reply-To"] == f"foi+{foi_request.reply_token}@charity.example"


@pytest.mark.django_db
def test_it_adds_the_forces_reference_when_the_template_leaves_it_out(smtp_server):
    EmailTemplate.objects.filter(key="chaser", regime="foia").update(subject="Still waiting")
    campaign = unsent_round("foi@one.example")
    rounds.send_requests(campaign, on_date=RECEIVED)
    FOIRequest.objects.update(reference="NP/FOI/123")
    foi_request = campaign.requests.get()

    chasing.take_step(foi_request.pk, CHASER_DAY)

    chaser = smtp_server.one("foi@one.example", "Still waiting")
    assert chaser["Subject"] == (
        f"Still waiting (your reference NP/FOI/123) [{foi_request.our_reference}]"
    )


@pytest.mark.django_db
def test_it_tags_the_commissioner_complaint_and_threads_the_notice(smtp_server):
    campaign = unsent_round("foi@one.example")
    rounds.send_requests(campaign, on_date=RECEIVED)
    foi_request = campaign.requests.get()
    chasing.take_step(foi_request.pk, REVIEW_DAY)  # the complaint follows a review asked for

    step = chasing.take_step(foi_request.pk, COMPLAINT_DAY)

    assert step.kind == "commissioner"
    complaint = foi_request.correspondence.get(kind="commissioner")
    assert complaint.state == "draft" and complaint.address == ""
    assert complaint.subject == (
        f"Complaint to the Information Commissioner: Testshire Police 0 "
        f"[{foi_request.our_reference}]"
    )
    notice = smtp_server.one("foi@one.example", "Complaint")
    assert notice["Subject"] == (
        f"Complaint to the Information Commissioner [{foi_request.our_reference}]"
    )
    assert notice["In-Reply-To"] == request_row(foi_request).message_id


@pytest.mark.django_db
def test_it_keeps_the_message_id_when_the_mail_server_is_down_and_retries_with_it(
    smtp_server, settings
):
    campaign = unsent_round("foi@one.example")
    real_port, settings.EMAIL_PORT = settings.EMAIL_PORT, closed_port()

    report = rounds.send_requests(campaign, on_date=RECEIVED)

    assert len(report.failed) == 1 and smtp_server.messages() == []
    row = request_row(campaign.requests.get())
    assert row.state == "draft" and row.needs_attention.startswith("Sending failed")
    recorded = row.message_id
    assert recorded

    settings.EMAIL_PORT = real_port
    rounds.send_requests(campaign, on_date=RECEIVED)

    [message] = smtp_server.messages()
    assert message["Message-ID"] == recorded == request_row(campaign.requests.get()).message_id


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_each_request_once_when_two_sends_run_at_once(smtp_server, monkeypatch):
    addresses = [f"foi@force{n}.example" for n in range(6)]
    campaign = unsent_round(*addresses)
    slow_smtp(monkeypatch)
    start = threading.Barrier(2)
    reports = []

    def send():
        try:
            start.wait()
            reports.append(rounds.send_requests(campaign, on_date=RECEIVED))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    delivered = smtp_server.messages()
    assert sorted(message["To"] for message in delivered) == addresses
    assert sum(len(report.sent) for report in reports) == 6
    assert Correspondence.objects.filter(kind="request").count() == 6
    assert set(Correspondence.objects.values_list("state", flat=True)) == {"sent"}
    assert not FOIRequest.objects.filter(status="not_sent").exists()


def slow_smtp(monkeypatch, seconds=0.05):
    """Each SMTP conversation takes a moment longer, so that two sends overlap."""
    transmit = messaging.transmit

    def slow(correspondence):
        time.sleep(seconds)
        return transmit(correspondence)

    monkeypatch.setattr(messaging, "transmit", slow)


def closed_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_it_takes_a_claimed_message_once_only():
    foi_request = FOIRequestFactory(force=ForceFactory(foi_email="foi@one.example"))
    row = messaging.draft(foi_request, "chaser", "chaser", CHASER_DAY)
    twin = Correspondence.objects.get(pk=row.pk)

    assert messaging.claim(row) is True
    assert messaging.claim(twin) is False
    assert messaging.deliver(twin) is False
    twin.refresh_from_db()
    assert twin.state == "sending" and twin.needs_attention.startswith("Not confirmed as sent")


@pytest.mark.django_db
def test_it_never_sends_again_a_request_left_being_sent(smtp_server):
    campaign = unsent_round("foi@one.example")
    foi_request = campaign.requests.get()
    row = rounds.request_message(foi_request, RECEIVED)
    messaging.claim(row)  # a worker died between claiming and hearing from the mail server

    report = rounds.send_requests(campaign, on_date=RECEIVED)

    assert report.outcomes == [] and smtp_server.messages() == []
    assert foi_request.correspondence.count() == 1


# --- The round as a Celery task, with its progress in the admin ------------------------------


def send_action(client, campaign):
    return client.post(
        "/admin/returns/campaign/",
        {
            "action": "send_unsent_requests",
            "_selected_action": [campaign.pk],
            "confirmed": "yes",
        },
    )


@pytest.mark.django_db
def test_it_sends_from_the_admin_through_the_task_and_shows_the_summary(
    client, caseworker, smtp_server, eager_tasks, django_capture_on_commit_callbacks
):
    campaign = unsent_round("foi@one.example", "foi@two.example", "")
    client.force_login(caseworker)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = send_action(client, campaign)

    assert len(queued) == 1  # the task is queued once the run is committed
    sending_page = f"/admin/returns/campaign/{campaign.pk}/sending/"
    assert response.status_code == 302 and response.url == sending_page
    run = SendRun.objects.get()
    assert (run.state, run.total, run.sent, run.flagged, run.failed) == ("done", 3, 2, 1, 0)
    assert run.started_by == caseworker and run.finished_at is not None
    assert len(smtp_server.messages()) == 2
    page = client.get(sending_page).content.decode()
    assert "Finished: 3 of 3 requests done" in page
    assert "<strong>2 sent</strong>" in page and "1 drafted for forces without an FOI" in page
    assert 'http-equiv="refresh"' not in page
    assert f"FOIR-{campaign.requests.first().pk:05d}" in page


@pytest.mark.django_db
def test_it_never_sends_inside_the_web_request(client, caseworker, smtp_server):
    campaign = unsent_round("foi@one.example")
    client.force_login(caseworker)

    response = send_action(client, campaign)  # the task is queued only once committed

    assert response.status_code == 302
    assert smtp_server.messages() == []
    run = SendRun.objects.get()
    assert run.state == "queued"
    page = client.get(response.url).content.decode()
    assert "Waiting for a worker: 0 of 1 request done" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Waiting for a Celery worker to start it" in page


@pytest.mark.django_db
def test_it_takes_a_run_once_even_if_its_task_is_delivered_twice(smtp_server):
    campaign = unsent_round("foi@one.example")
    run = SendRun.objects.create(campaign=campaign, total=1)

    first = rounds.run_sending(run.pk)
    # As if nothing had been sent: a second delivery of the same task still sends nothing.
    Correspondence.objects.all().delete()
    FOIRequest.objects.update(status="not_sent")
    again = rounds.run_sending(run.pk)

    assert (
        first
        == again
        == {
            "state": "done",
            "total": 1,
            "sent": 1,
            "flagged": 0,
            "failed": 0,
            "error": "",
        }
    )
    assert len(smtp_server.messages()) == 1


@pytest.mark.django_db
def test_it_reports_a_broken_wording_on_the_run(smtp_server):
    campaign = unsent_round("foi@one.example")
    Campaign.objects.filter(pk=campaign.pk).update(request_wording="{force.name}")
    run = SendRun.objects.create(campaign=campaign, total=1)

    outcome = rounds.run_sending(run.pk)

    assert outcome["state"] == "failed"
    assert "request wording" in outcome["error"]
    assert smtp_server.messages() == []


@pytest.mark.worker
def test_it_sends_a_round_on_a_real_worker_with_progress_reaching_done(
    live_worker, smtp_server, client, caseworker
):
    campaign = unsent_round("foi@one.example", "foi@two.example", "foi@three.example", "")

    run = rounds.start_sending(campaign, user=caseworker)  # autocommit: queued at once

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            break
        time.sleep(0.1)
    assert (run.state, run.total, run.sent, run.flagged, run.failed) == ("done", 4, 3, 1, 0)
    assert [row["sent"] for row in run.outcomes] == [True, True, True, False]
    assert len(smtp_server.messages()) == 3
    client.force_login(caseworker)
    page = client.get(f"/admin/returns/campaign/{campaign.pk}/sending/").content.decode()
    assert "Finished: 4 of 4 requests done" in page


@pytest.mark.worker
def test_it_sends_each_request_once_when_two_staff_press_send_at_once(
    live_worker, smtp_server, monkeypatch
):
    addresses = [f"foi@force{n}.example" for n in range(4)]
    campaign = unsent_round(*addresses)
    slow_smtp(monkeypatch)
    first, second = (
        SendRun.objects.create(campaign=campaign),
        SendRun.objects.create(campaign=campaign),
    )
    # One on the worker, one here at the same time.
    result = send_round.delay(first.pk)
    rounds.run_sending(second.pk)
    result.get(timeout=30)

    assert sorted(message["To"] for message in smtp_server.messages()) == addresses
    runs = SendRun.objects.filter(pk__in=[first.pk, second.pk])
    assert sum(run.sent for run in runs) == 4
    assert {run.state for run in runs} == {"done"}


def test_it_keeps_our_reference_whole_at_the_end_of_a_long_subject():
    foi_request = FOIRequest(pk=42, reference="FOI 001234/17")

    subject = messaging.with_references("Overdue " + "x" * 400, foi_request)

    assert len(subject) == 300
    assert subject.endswith("x (your reference FOI 001234/17) [FOIR-00042]")
    assert messaging.with_references(subject, foi_request) == subject  # never twice
    assert messaging.with_references("To the ICO", foi_request, to_force=False) == (
        "To the ICO [FOIR-00042]"
    )


@pytest.mark.django_db
def test_it_shows_our_reference_and_reply_address_on_the_request_page(client, caseworker, settings):
    settings.REPLY_TO_ADDRESS = "foi+{token}@charity.example"
    foi_request = FOIRequestFactory(reference="FOI 001234/17")
    client.force_login(caseworker)

    page = client.get(f"/admin/returns/foirequest/{foi_request.pk}/change/").content.decode()
    found = client.get("/admin/returns/foirequest/", {"q": foi_request.our_reference})

    assert foi_request.our_reference in page
    assert f"foi+{foi_request.reply_token}@charity.example" in page
    assert 'value="FOI 001234/17"' in page  # the force's own reference
    assert list(found.context["cl"].result_list) == [foi_request]


@pytest.mark.django_db
def test_it_says_when_a_send_s_worker_has_gone_quiet(client, caseworker, settings):
    campaign = unsent_round("foi@one.example", "foi@two.example")
    long_ago = timezone.now() - timedelta(minutes=settings.JOBS_STALLED_AFTER_MINUTES + 1)
    SendRun.objects.create(
        campaign=campaign, state="running", total=2, sent=1, started_at=long_ago,
        updated_at=long_ago,
    )  # fmt: skip
    client.force_login(caseworker)
    sending_page = f"/admin/returns/campaign/{campaign.pk}/sending/"

    page = client.get(sending_page).content.decode()
    assert "worker may have stopped" in " ".join(page.split())

    SendRun.objects.update(updated_at=timezone.now())  # a request handled just now
    assert "may have stopped" not in client.get(sending_page).content.decode()
