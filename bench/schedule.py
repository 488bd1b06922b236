"""Scheduling benchmark (issue 5's bar): ACCOUNTS simulated accounts of RESOURCES resources each,
polled every INTERVAL seconds by real Celery workers (WORKERS processes) fed by a real Celery beat
through the machine's Redis. Prints the scheduling lag (due -> poll started) p50/p95/max and the
backlog (accounts past their due time) sampled over the run, which must stay bounded.

The accounts start never polled (a cold start: every account due at once), so the run shows the
first wave draining and the steady state after it. Time can be compressed with a shorter
--interval (the load per second grows as the interval shrinks).

Run: make bench-schedule   (or: python bench/schedule.py --interval 60 --duration 150)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import percentile, seed_synthetic_accounts, setup_django, start_celery, stop, synthetic_env

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--interval", type=int, default=300, help="poll interval, seconds")
    parser.add_argument("--duration", type=int, default=420, help="length of the run, seconds")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import redis

    setup_django()
    from django.db import connection

    redis.Redis.from_url(BROKER).flushdb()
    seed_synthetic_accounts(args.accounts, args.interval)
    state = Path(tempfile.mkdtemp(prefix="cspm-bench-"))
    env = synthetic_env(BROKER, state, args.resources)
    print(f"{args.accounts} accounts x {args.resources} resources, interval {args.interval} s, "
          f"{args.workers} worker processes, beat every 5 s, run {args.duration} s")
    procs = start_celery(args.workers, env, state)
    t0 = dt.datetime.now(dt.UTC)
    samples = []
    try:
        while (elapsed := (dt.datetime.now(dt.UTC) - t0).total_seconds()) < args.duration:
            time.sleep(5)
            backlog, polled = sample(args.interval)
            samples.append((elapsed, backlog))
            print(f"  t={elapsed:5.0f} s  backlog {backlog:4d}  snapshots {polled:6d}", flush=True)
    finally:
        stop(procs)
    connection.close()
    return report(t0, samples, args)


def sample(interval: int) -> tuple[int, int]:
    """Accounts past their due time and not yet polled for it, and snapshots so far."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM accounts_cloudaccount WHERE enabled AND (last_polled_at IS NULL"
                    " OR last_polled_at + poll_interval_seconds * interval '1 second' <= now())")
        backlog = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM inventory_snapshot")
        return backlog, cur.fetchone()[0]


def report(t0: dt.datetime, samples: list[tuple[float, int]], args) -> int:
    from cspm.inventory.models import PollRun

    runs = list(PollRun.objects.filter(started_at__gte=t0).values_list("due_at", "started_at", "state"))
    cold = [(s - t0).total_seconds() for due, s, _ in runs if due is None]
    lags = sorted((s - due).total_seconds() for due, s, _ in runs if due is not None)
    done = sum(1 for *_, state in runs if state == "done")
    print(f"\npoll runs started {len(runs)}, done {done}")
    if cold:
        print(f"cold start: {len(cold)} never-polled accounts started within {max(cold):.1f} s of the beat starting")
    if lags:
        print(f"scheduling lag (due -> started) over {len(lags)} polls: p50 {percentile(lags, 50):.1f} s, "
              f"p95 {percentile(lags, 95):.1f} s, max {lags[-1]:.1f} s")
    else:
        print("no poll came due a second time: run longer than --interval to measure the lag")
    third = max(1, len(samples) // 3)
    first, last = [b for _, b in samples[:third]], [b for _, b in samples[-third:]]
    bounded = max(last) <= max(max(first), args.workers * 2)
    print(f"backlog: max {max(b for _, b in samples)}, first third max {max(first)}, last third max {max(last)}, "
          f"mean of last third {statistics.mean(last):.1f} -> {'bounded' if bounded else 'GROWING'}")
    return 0 if bounded and done else 1


if __name__ == "__main__":
    sys.exit(main())
