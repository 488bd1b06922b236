"""What the benchmarks share: a database of their own (<name>_bench), made anew each run."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cspm")
BENCH_DB = BASE_URL.rsplit("/", 1)[1] + "_bench"


def setup_django(database: str = BENCH_DB) -> None:
    """Point Django at a fresh bench database, set it up and migrate it."""
    with psycopg.connect(BASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')
    use_database(database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def use_database(database: str) -> None:
    """Point Django at an existing bench database and set it up (no migration)."""
    os.environ["DATABASE_URL"] = BASE_URL.rsplit("/", 1)[0] + "/" + database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspm.settings")
    import django

    django.setup()


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


# -- Celery workers and beat on the synthetic cloud (bench/synthetic.py) ----------------------------

def synthetic_env(broker: str, state: Path, resources: int) -> dict[str, str]:
    """The environment of worker and beat processes polling the synthetic AWS."""
    return dict(os.environ, DATABASE_URL=os.environ["DATABASE_URL"], CELERY_BROKER_URL=broker,
                CSPM_COLLECTOR_MODULES="bench.synthetic", CSPM_SYNTHETIC_RESOURCES=str(resources),
                CSPM_SYNTHETIC_STATE=str(state), CSPM_SCHEDULE_SECONDS="5", LOG_LEVEL="ERROR")


def seed_synthetic_accounts(accounts: int, interval: int, org_name: str = "Bench Group") -> list:
    from cspm.accounts.models import CloudAccount, Organization

    org = Organization.objects.create(name=org_name, slug=org_name.lower().replace(" ", "-"))
    return CloudAccount.objects.bulk_create(
        CloudAccount(organization=org, provider="aws", native_id=f"{100000000000 + i}", name=f"bench-{i:04d}",
                     poll_interval_seconds=interval)
        for i in range(accounts))


def start_celery(workers: int, env: dict, state: Path) -> list[subprocess.Popen]:
    """`workers` worker processes (one task at a time each, as separate machines would run them)
    and one beat."""
    celery = [sys.executable, "-m", "celery", "-A", "cspm"]
    procs = [subprocess.Popen([*celery, "worker", "-Q", "celery,aws", "--pool", "solo", "-n", f"bench{i}@%h",
                               "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "error"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
             for i in range(workers)]
    procs.append(subprocess.Popen([*celery, "beat", "-s", str(state / "beat-schedule"), "-l", "error"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
    return procs


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
