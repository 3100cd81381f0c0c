"""Staff lists and the statistics page at full scale: how long each takes to render.

    scripts/bench bench/render_bench.py [--requests 5000] [--figures 1000000] [--repeat 7]

scripts/bench starts a throwaway PostgreSQL cluster (as scripts/test does) and passes it in
DATABASE_URL; the bench refuses any other database. It runs with the production settings
scripts/bench sets (DEBUG off, static files collected).

The database: --requests requests (every force in the directory, one request each per campaign,
so about requests / forces campaigns, a year apart). The three newest rounds are in progress
(sent two months ago: a third answered, the rest overdue); the older ones are answered. At
least --figures figures: half in one national campaign (every force, 10 years, headline,
victim age and offence-type cells) with a fresh statistics snapshot, the rest spread over the
other answered requests; a few unverified, suppressed or warned about. Some correspondence: the
request to each force, an acknowledgement from half, the response from those that answered.

A staff superuser (Django's test Client, force_login) then GETs each page and reads the whole
response, --repeat times after one warm-up, and the bench prints the median and the slowest
time, the number of queries, and PASS or FAIL of the median against the target: 300 ms for the
lists and the overdue board, 200 ms for the statistics page (issue: big campaigns stay fast).
The targets are absolute; there is no floor to compare with here. --no-fill measures the
database an earlier fill left (when pointed at one by hand).
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PERIODS = [f"{year}/{(year + 1) % 100:02d}" for year in range(2010, 2020)]
AGES = [str(age) for age in range(18)] + ["unknown"]
MEASURE = "online_child_sexual_offences"
OPEN_ROUNDS = 3
LIST_TARGET_MS, STATISTICS_TARGET_MS = 300, 200

# Every figure cell of a force's year, numbered: the headline total, the victim ages, then as
# many offence types as asked for. A request gets the first `cells` of them for each period.
FIGURES_SQL = """
WITH cells(position, breakdown, category) AS (
    SELECT 0, '', '' UNION ALL
    SELECT a.n, 'victim_age', a.age FROM unnest(%(ages)s::text[]) WITH ORDINALITY AS a(age, n)
    UNION ALL
    SELECT %(age_count)s + n, 'offence_type', 'Offence ' || n FROM generate_series(1, %(types)s) n
)
INSERT INTO returns_figure (request_id, period, measure, breakdown, category, status, value,
    raw_value, note, caveat, caveat_text, import_batch_id, entered_by_id, entered_at, updated_at,
    verified_by_id, verified_at)
SELECT r.id, p.period, %(measure)s, c.breakdown, c.category,
    CASE WHEN (r.id + c.position) %% 89 = 0 THEN 'suppressed' ELSE 'reported' END,
    CASE WHEN (r.id + c.position) %% 89 = 0 THEN NULL
         ELSE (r.id * 7 + p.n * 13 + c.position) %% 400 END,
    CASE WHEN (r.id + c.position) %% 89 = 0 THEN '<5' ELSE '' END,
    '', '', '', batch.id, %(importer)s, now(), now(),
    CASE WHEN (r.id + c.position + p.n) %% 50 = 0 THEN NULL ELSE %(verifier)s END,
    CASE WHEN (r.id + c.position + p.n) %% 50 = 0 THEN NULL ELSE now() END
FROM returns_foirequest r
JOIN returns_importbatch batch ON batch.campaign_id = r.campaign_id
CROSS JOIN unnest(%(periods)s::text[]) WITH ORDINALITY AS p(period, n)
JOIN cells c ON c.position < %(cells)s
WHERE r.id = ANY(%(requests)s)
"""

CORRESPONDENCE_SQL = """
INSERT INTO returns_correspondence (request_id, direction, kind, state, date, address, subject,
    body, attachment, message_id, needs_attention, kind_confirmed, kind_reason, created_at)
SELECT r.id, letter.direction, letter.kind, letter.state, letter.date, f.foi_email,
    letter.kind || ' [FOIR-' || lpad(r.id::text, 5, '0') || ']', '', '', '', '', true, '', now()
FROM returns_foirequest r JOIN forces_force f ON f.id = r.force_id
CROSS JOIN LATERAL (VALUES
    ('out', 'request', 'sent', r.sent_on, true),
    ('in', 'acknowledgement', 'received', r.sent_on + 3, r.id %% 2 = 0),
    ('in', 'response', 'received', r.responded_on, r.responded_on IS NOT NULL)
) AS letter(direction, kind, state, date, wanted)
WHERE r.sent_on IS NOT NULL AND letter.wanted
"""


def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Run on PostgreSQL: scripts/bench bench/render_bench.py")
    return url


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "testserver"  # Django's test Client
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not settings.DEBUG:  # the pages' {% static %} read collectstatic's manifest
        call_command("collectstatic", interactive=False, verbosity=0)


def fill(request_count, figure_count):
    """The database described above; returns the national campaign and the staff user."""
    from django.contrib.auth.models import User
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE returns_campaign, returns_foirequest, returns_figure, "
            "returns_correspondence, returns_importbatch, returns_statssnapshot, "
            "returns_figurechange RESTART IDENTITY CASCADE"
        )
    staff, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    importer, _ = User.objects.get_or_create(username="bench-importer")
    campaigns = make_campaigns(request_count)
    requests_by_campaign = make_requests(campaigns, request_count)
    national = campaigns[OPEN_ROUNDS]  # the newest answered round
    make_figures(national, campaigns, requests_by_campaign, figure_count, importer, staff)
    with connection.cursor() as cursor:
        cursor.execute(CORRESPONDENCE_SQL, {})
        # As autovacuum leaves a table after a bulk load: statistics, and the visibility map
        # that lets a COUNT read the index alone.
        cursor.execute("VACUUM ANALYZE")
    return national, staff


def make_campaigns(request_count):
    """Newest first, a year apart."""
    import datetime

    from django.utils import timezone

    from forces.models import Force
    from returns.models import Campaign

    count = math.ceil(request_count / Force.objects.count())
    now = timezone.now()
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            title=f"Online child sexual offences, round {count - n}",
            slug="national" if n == OPEN_ROUNDS else f"round-{count - n}",
            measure=MEASURE,
            periods=PERIODS,
            request_wording="Please tell us {periods}.",
        )
        for n in range(count)
    )
    for n, campaign in enumerate(campaigns):
        campaign.created_at = now - datetime.timedelta(days=365 * n)
    Campaign.objects.bulk_update(campaigns, ["created_at"])
    return campaigns


def make_requests(campaigns, request_count):
    """{campaign: [request id]}: the open rounds sent two months ago, the rest answered."""
    import datetime

    from django.utils import timezone

    from forces.models import Force
    from returns.models import FOIRequest, ImportBatch

    forces = list(Force.objects.order_by("name"))
    today = timezone.localdate()
    rows = []
    for n, campaign in enumerate(campaigns):
        sent = today - datetime.timedelta(days=60 + 365 * n)
        for force in forces[: request_count - len(rows)]:
            answered = n >= OPEN_ROUNDS or force.pk % 3 == 0
            rows.append(
                FOIRequest(
                    campaign=campaign,
                    force=force,
                    status=FOIRequest.Status.ANSWERED if answered else FOIRequest.Status.AWAITING,
                    sent_on=sent,
                    received_on=sent,
                    due_date=sent + datetime.timedelta(days=28),
                    responded_on=sent + datetime.timedelta(days=25) if answered else None,
                    outcome=FOIRequest.Outcome.FULL if answered else "",
                )
            )
    FOIRequest.objects.bulk_create(rows, batch_size=1000)
    ImportBatch.objects.bulk_create(
        ImportBatch(campaign=c, original_name=f"{c.slug}.xlsx") for c in campaigns[OPEN_ROUNDS:]
    )
    by_campaign = {}
    for request in rows:
        if request.status == FOIRequest.Status.ANSWERED:
            by_campaign.setdefault(request.campaign, []).append(request.pk)
    return by_campaign


def make_figures(national, campaigns, requests_by_campaign, figure_count, importer, verifier):
    """Half the figures in the national campaign, the rest over the other answered requests."""
    from django.db import connection

    from returns.models import Figure, PlausibilityWarning

    national_ids = requests_by_campaign[national]
    other_ids = [
        pk for campaign, ids in requests_by_campaign.items() if campaign != national for pk in ids
    ]
    national_share = figure_count // 2
    for ids, share in ((national_ids, national_share), (other_ids, figure_count - national_share)):
        cells = max(1, math.ceil(share / (len(ids) * len(PERIODS))))  # at least the share
        with connection.cursor() as cursor:
            cursor.execute(
                FIGURES_SQL,
                {
                    "ages": AGES,
                    "age_count": len(AGES),
                    "types": max(0, cells - 1 - len(AGES)),
                    "cells": cells,
                    "measure": MEASURE,
                    "importer": importer.pk,
                    "verifier": verifier.pk,
                    "periods": PERIODS,
                    "requests": ids,
                },
            )
    warned = Figure.objects.filter(id__in=range(1, figure_count + 1, 1000))
    PlausibilityWarning.objects.bulk_create(
        PlausibilityWarning(figure_id=pk, code="spike", message="More than double last year")
        for pk in warned.values_list("pk", flat=True)
    )


def refresh_statistics(campaign):
    from returns import snapshots

    assert snapshots.recompute_once(campaign.pk) == snapshots.RECOMPUTED


def pages(national):
    from django.urls import reverse

    return [
        ("FOI requests list", reverse("admin:returns_foirequest_changelist"), LIST_TARGET_MS),
        ("Figures list", reverse("admin:returns_figure_changelist"), LIST_TARGET_MS),
        (
            "Figures, one campaign",  # the biggest, filtered as staff do
            reverse("admin:returns_figure_changelist")
            + f"?request__campaign__id__exact={national.pk}",
            LIST_TARGET_MS,
        ),
        (
            "Figures, small round",  # a campaign of few figures among a million
            reverse("admin:returns_figure_changelist")
            + f"?request__campaign__id__exact={smallest_campaign_id()}",
            LIST_TARGET_MS,
        ),
        ("Correspondence list", reverse("admin:returns_correspondence_changelist"), LIST_TARGET_MS),
        ("Campaigns list", reverse("admin:returns_campaign_changelist"), LIST_TARGET_MS),
        ("Overdue board", reverse("returns:overdue_board"), LIST_TARGET_MS),
        (
            "Statistics page",
            reverse("returns:statistics_page", args=[national.slug]),
            STATISTICS_TARGET_MS,
        ),
    ]


def smallest_campaign_id():
    from django.db.models import Count

    from returns.models import Campaign

    return (
        Campaign.objects.filter(requests__figures__isnull=False)
        .annotate(figures=Count("requests__figures"))
        .order_by("figures", "pk")
        .values_list("pk", flat=True)[0]
    )


def render_times(client, url, repeat):
    """(milliseconds of each full render, queries of one, body bytes), after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = response.content
    query_count = len(queries)  # now: the next request clears the connection's query log
    render_times.slowest_queries = sorted(
        queries.captured_queries, key=lambda query: -float(query["time"])
    )[:3]
    if response.status_code != 200:
        sys.exit(f"{url}: HTTP {response.status_code}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        response.content  # noqa: B018 - the whole body, as a browser would wait for it
        times.append((time.perf_counter() - start) * 1000)
    return times, query_count, len(body)


def print_scale(national):
    from django.db.models import Count

    from returns.models import Campaign, Correspondence, Figure, FOIRequest

    rows = {
        "campaigns": Campaign.objects.count(),
        "FOI requests": FOIRequest.objects.count(),
        "figures": Figure.objects.count(),
        "correspondence": Correspondence.objects.count(),
    }
    print("Rows: " + ", ".join(f"{count:,} {name}" for name, count in rows.items()))
    in_national = Figure.objects.filter(request__campaign=national).count()
    open_requests = FOIRequest.objects.filter(status=FOIRequest.Status.AWAITING)
    print(
        f"The statistics page's campaign ({national.slug}): {in_national:,} figures; "
        f"{open_requests.count():,} requests awaiting a reply "
        f"({open_requests.aggregate(n=Count('campaign', distinct=True))['n']} rounds)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--figures", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--queries", action="store_true", help="print each page's slowest queries (always on FAIL)"
    )
    parser.add_argument(
        "--no-fill", action="store_true", help="measure the database as an earlier run left it"
    )
    args = parser.parse_args()
    setup_django(postgres_url())
    from django.contrib.auth.models import User
    from django.test import Client

    from returns.models import Campaign

    if args.no_fill:
        national, staff = (
            Campaign.objects.get(slug="national"),
            User.objects.get(username="bench-admin"),
        )
    else:
        started = time.perf_counter()
        national, staff = fill(args.requests, args.figures)
        refresh_statistics(national)
        print(f"Filled the database in {time.perf_counter() - started:.1f} s")
    print_scale(national)

    client = Client()
    client.force_login(staff)
    print(f"\n{'page':<22} {'median':>9} {'slowest':>9} {'queries':>8} {'size':>9}  target")
    failed = 0
    for label, url, target in pages(national):
        times, queries, size = render_times(client, url, args.repeat)
        median, slowest = statistics.median(times), max(times)
        verdict = "PASS" if median < target else "FAIL"
        failed += verdict == "FAIL"
        print(
            f"{label:<22} {median:7.1f}ms {slowest:7.1f}ms {queries:>8} {size // 1024:>7}kB  "
            f"{target} ms: {verdict}"
        )
        if verdict == "FAIL" or args.queries:
            for query in render_times.slowest_queries:
                print(f"    {float(query['time']) * 1000:7.1f}ms  {query['sql'][:300]}")
    print(
        f"\n{args.repeat} renders of each after one warm-up; PASS: the median under the target "
        "(the slowest is shown beside it: on a busy machine other processes add spikes)."
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
