"""Taking in forces' replies from IMAP: 1,000 messages, against a bare imap-tools fetch.

    scripts/bench bench/inbound_bench.py [--messages 1000]

scripts/bench starts a throwaway PostgreSQL cluster and dovecot (scripts/lib.sh) and passes
them in DATABASE_URL and TEST_IMAP_*. The bench puts the messages into a fresh mailbox (a
fifth with an XLSX or PDF attachment; the rest acknowledgements, refusals and responses to the
45 requests of a round, matched by reply token, thread, subject or domain), then times:

- the floor: a bare imap-tools fetch of every message (`MailBox.fetch(mark_seen=False,
  bulk=50)`, each parsed by imap-tools into its MailMessage). It does the IMAP work the app
  does: the whole message (BODY.PEEK[], not the headers only) in FETCHes of 50, each parsed
  whole, every MIME part (`email.message_from_bytes`, which MailMessage runs when it is made;
  imap-tools decodes a part only when asked, and the floor asks for none). It runs first,
  against a mailbox the server has not read yet;
- the app: `fetch_replies` taking every message in: fetch, parse, match, classify, store the
  raw .eml and attachments, file under its request, mark it read on the server.

Prints both times and their ratio. Target: within 3x of the floor.

Prints both times and their ratio, and how much of the app's time was the database's own (its
queries, mostly the inserts of the rows). Target: within 3x of the floor.

Measured on a shared 2-core VM (several runs each; the machine's load varies):
- one message at a time, each raw .eml and attachment a file: 6.9-7.6 s against a floor of
  0.12-0.14 s (50-60x);
- stored a FETCH of 50 at a time, in one transaction (returns/replies/store.py: store_all):
  1.35-2.1 s (10-16x), of which 0.4-1.1 s creating the 1,200 files (the kernel; this VM creates
  files slowly and unevenly);
- the raw messages and attachments kept in the database with their rows (StoredFile), and 250
  messages to a transaction: 0.83-1.00 s against 0.13-0.15 s (5.8-7.2x).
Where those 0.86 s go: the IMAP fetch 0.09 s (the floor's own); parsing 0.23 s (the email
package's parser alone, as the floor runs it, is 0.06 s of it); classifying 0.10 s; building the
rows 0.12 s; the database's own time 0.16-0.18 s (1.2-1.3x the floor by itself: inserting 1,000
messages, 988 correspondence rows, 200 attachments and 1,200 stored files); Django's side of the
inserts 0.08 s; the batches' look-ups and marking 0.07 s. The fetch, the database's time and the
floor's own parse already make 2.3x the floor, leaving about 0.08 s (80 us a message) for
everything the app does in Python: the 3x target is out of reach while every message is stored
as rows through the ORM.
"""

import argparse
import imaplib
import os
import sys
import time
import uuid
from email.utils import formatdate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "returns" / "files" / "emails"))


def setup():
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Run on PostgreSQL and dovecot: scripts/bench bench/inbound_bench.py")
    if not os.environ.get("TEST_IMAP_PORT"):
        sys.exit("No IMAP server: run through scripts/bench, which starts dovecot.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    user = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        IMAP_HOST=os.environ["TEST_IMAP_HOST"],
        IMAP_PORT=os.environ["TEST_IMAP_PORT"],
        IMAP_SECURITY="none",
        IMAP_USER=user,
        IMAP_PASSWORD=os.environ["TEST_IMAP_PASSWORD"],
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_round():
    from django.utils import timezone

    from forces.models import Force
    from returns.models import Campaign, Correspondence, FOIRequest

    campaign = Campaign.objects.create(
        title="Bench round", slug=f"bench-{uuid.uuid4().hex[:6]}", measure="m",
        request_wording="x", periods=["2016/17"],
    )  # fmt: skip
    requests = []
    for force in Force.objects.filter(active=True)[:45]:
        request = FOIRequest.objects.create(
            campaign=campaign, force=force, status="awaiting", sent_on=timezone.localdate(),
            received_on=timezone.localdate(),
        )  # fmt: skip
        Correspondence.objects.create(
            request=request, direction="out", kind="request", date=timezone.localdate(),
            message_id=f"<bench-{request.pk}@charity.example>",
        )  # fmt: skip
        requests.append(request)
    return requests


def messages(requests, count):
    from build_corpus import CSV, PDF, XLSX, message, xlsx_bytes

    spreadsheet = xlsx_bytes()
    written = formatdate(localtime=True)  # after the round was sent, as real replies are
    bodies = [
        "We acknowledge receipt of your request. We will respond within 20 working days.",
        "Section 12: the cost of compliance would exceed the appropriate limit (18 hours).",
        "Please find our response below: 98 offences in 2015/16 and 323 in 2016/17.",
        "Thank you for your email. I am currently out of the office until Monday.",
    ]
    for number in range(count):
        request = requests[number % len(requests)]
        domain = request.force.mail_domain_list[0] if request.force.mail_domain_list else "x.uk"
        way = number % 4
        to = f"foi+{request.reply_token}@charity.example" if way == 0 else "foi@charity.example"
        subject = f"RE: FOI request [{request.our_reference}]" if way == 2 else "RE: FOI request"
        headers = {"In_Reply_To": f"<bench-{request.pk}@charity.example>"} if way == 1 else {}
        email = message(
            f"FOI Unit <foi@{domain}>", to, subject, bodies[number % len(bodies)] + f"\n#{number}",
            message_id=f"<bench-reply-{number}-{uuid.uuid4().hex[:6]}@{domain}>", date=written,
            **headers,
        )  # fmt: skip
        if number % 5 == 0:
            if number % 10 == 0:
                data, subtype, name = spreadsheet, XLSX.split("/")[1], f"response-{number}.xlsx"
            else:
                data, subtype, name = PDF + CSV, "pdf", f"letter-{number}.pdf"
            email.add_attachment(data, maintype="application", subtype=subtype, filename=name)
        yield email.as_bytes()


def fill_mailbox(raws):
    client = imaplib.IMAP4(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"]))
    client.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
    for raw in raws:
        client.append("INBOX", None, None, raw)
    client.logout()


def bare_fetch():
    from imap_tools import MailBoxUnencrypted

    started = time.perf_counter()
    with MailBoxUnencrypted(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"])).login(
        os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"], "INBOX"
    ) as mailbox:
        count = sum(1 for _ in mailbox.fetch(mark_seen=False, bulk=50))
    return time.perf_counter() - started, count


class DatabaseTime:
    """Seconds spent running the app's queries (a connection.execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from returns.models import InboundMessage
    from returns.replies.mailbox import fetch_replies

    requests = make_round()
    fill_mailbox(messages(requests, args.messages))
    floor, fetched = bare_fetch()
    in_database = DatabaseTime()
    with connection.execute_wrapper(in_database):
        started = time.perf_counter()
        report = fetch_replies()
        app = time.perf_counter() - started
    filed = InboundMessage.objects.filter(correspondence__isnull=False).count()
    attachments = sum(len(item.attachments) for item in report.taken)
    print(f"messages: {fetched} in the mailbox, {len(report.new)} taken in, {filed} filed, "
          f"{attachments} attachments stored, {len(report.failed)} failed")  # fmt: skip
    print(f"bare imap-tools fetch (floor): {floor:8.2f} s")
    print(f"fetch+match+classify+store:    {app:8.2f} s")
    print(f"ratio: {app / floor:.2f}x (target: within 3x)")
    print(
        f"of which the database's own time (its queries, the inserts of the rows): "
        f"{in_database.seconds:.2f} s, {in_database.seconds / floor:.2f}x the floor"
    )


if __name__ == "__main__":
    main()
