"""What the benchmarks share: a database of their own (<name>_bench), made anew each run."""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
BASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cspm")
BENCH_DB = BASE_URL.rsplit("/", 1)[1] + "_bench"


def setup_django() -> None:
    """Point Django at a fresh bench database, set it up and migrate it."""
    with psycopg.connect(BASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = BASE_URL.rsplit("/", 1)[0] + "/" + BENCH_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspm.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_poll(label: str, account, indent: str = "  ") -> tuple[object, float]:
    """Poll an account now; print its duration, API calls, counts and each collector's outcome."""
    from cspm.inventory.poll import poll_account

    start = time.perf_counter()
    result = poll_account(account.pk)
    seconds = time.perf_counter() - start
    s = result.snapshot
    calls = sum(c.get("api_calls", 0) for c in s.collectors.values())
    print(f"{indent}{account.name} {label}: {seconds:.2f} s, {calls} API calls, status {s.status}; added {s.added}, "
          f"changed {s.changed}, removed {s.removed}, unchanged {s.unchanged}")
    for key, c in sorted(s.collectors.items()):
        print(f"{indent}  {key}: {c['status']}, {c['resources']} resources, {c.get('api_calls', 0)} calls, "
              f"{c['seconds']} s" + (f", {c['gaps']} gaps" if c.get("gaps") else "")
              + (f" — {c.get('error')}" if c["status"] != "ok" else ""))
    return s, seconds
