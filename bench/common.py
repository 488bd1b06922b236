"""What the benchmarks share: a database of their own (<name>_bench), made anew each run."""

from __future__ import annotations

import os
import resource
import sys
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
