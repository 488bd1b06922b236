"""Page benchmark (issue 8's bar): on the group bench/seed.py made (500 accounts, 1,000,000
resources, 100,000 open findings), the dashboard, the drift list, the account list, a resource
page and an account page each answer in under 300 ms p95.

Signs in the seeded admin of the parent company (whose reach is the whole group) through the
sign-in page, then requests each page with Django's test client: in-process, through the real
WSGI handler and every middleware, with the production settings. Per page: WARMUP requests, then
N timed ones; prints p50, p95 and max, the queries one request makes, and whether p95 is under
the bar. Run: make bench-web (seeds first if needed), or DATABASE_URL=... python bench/web.py [N]
"""

from __future__ import annotations

import os
import sys
import time

from common import percentile, use_database
from seed import BENCH_PASSWORD, BENCH_USER, bench_database_url, is_seeded

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
WARMUP = 5
VERBOSE = bool(os.environ.get("BENCH_VERBOSE"))  # also print each page's slowest queries
BAR_MS = 300.0


def main() -> None:
    url = bench_database_url()
    database = url.rsplit("/", 1)[1]
    if not is_seeded(url):
        sys.exit(f"{database} is not seeded: run bench/seed.py first (make bench-web does)")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    use_database(database)
    from django.conf import settings
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django.urls import reverse

    from cspm.accounts.models import CloudAccount, Organization
    from cspm.drift.models import FindingCount

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    response = client.post(reverse("web:login"), {"username": BENCH_USER, "password": BENCH_PASSWORD})
    if response.status_code != 302:
        sys.exit(f"sign-in failed: {response.status_code}")

    with connection.cursor() as cur:
        # A resource with the longest history among the first few thousand; the busiest account.
        cur.execute("SELECT resource_id FROM inventory_resourceversion WHERE resource_id <= 5000 "
                    "GROUP BY resource_id ORDER BY count(*) DESC, resource_id LIMIT 1")
        resource_id = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM inventory_resourceversion WHERE resource_id = %s", [resource_id])
        versions = cur.fetchone()[0]
    busiest = (FindingCount.objects.values_list("account_id").annotate(total=Sum("n")).order_by("-total")[0][0])
    acquisition = Organization.objects.filter(kind="acquisition").order_by("name").values_list("id", flat=True)[0]
    accounts = CloudAccount.objects.count()
    findings = reverse("web:findings")
    pages = [
        ("dashboard", reverse("web:home")),
        ("drift list", findings),
        ("drift list, filtered", f"{findings}?severity=high&cloud=aws&source=drift&status=open"),
        ("drift list, acquisition", f"{findings}?organization={acquisition}&source=control&status=new"),
        ("account list", reverse("web:accounts")),
        ("account list, filtered", f"{reverse('web:accounts')}?cloud=gcp&status=ok"),
        (f"resource page ({versions} versions)", reverse("web:resource", args=[resource_id])),
        ("account page", reverse("web:account", args=[busiest])),
    ]
    print(f"database {database}: {accounts} accounts; {N} requests per page after {WARMUP} warm-ups; "
          f"signed in as {BENCH_USER}")
    print(f"{'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  under {BAR_MS:.0f} ms p95")
    failed = []
    for label, path in pages:
        for _ in range(WARMUP):
            check(client.get(path), path)
        queries: list[tuple[float, str]] = []
        with connection.execute_wrapper(Timed(queries)):
            check(client.get(path), path)
        times = []
        for _ in range(N):
            start = time.perf_counter()
            check(client.get(path), path)
            times.append((time.perf_counter() - start) * 1000)
        p95 = percentile(times, 95)
        ok = p95 < BAR_MS
        if not ok:
            failed.append(label)
        print(f"{label:<34} {percentile(times, 50):>8.1f} {p95:>8.1f} {max(times):>8.1f} {len(queries):>8}  "
              f"{'yes' if ok else 'NO'}")
        if VERBOSE:
            for ms, sql in sorted(queries, reverse=True)[:5]:
                print(f"    {ms:7.1f} ms  {sql[:220]}")
    print("every page under the bar" if not failed else f"over the bar: {', '.join(failed)}")


class Timed:
    """An execute wrapper that keeps (milliseconds, SQL) of every query."""

    def __init__(self, into: list[tuple[float, str]]):
        self.into = into

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.into.append(((time.perf_counter() - start) * 1000, sql))


def check(response, path: str) -> None:
    if response.status_code != 200:
        sys.exit(f"{path}: HTTP {response.status_code}")
    body = b"".join(response) if response.streaming else response.content  # the whole body, as sent
    if not body:
        sys.exit(f"{path}: empty page")


if __name__ == "__main__":
    main()
