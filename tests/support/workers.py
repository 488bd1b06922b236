"""Real Celery workers for integration tests: tasks go to a Redis database of the test's own
(never run eagerly), and worker processes started by the test poll it, against the test's
PostgreSQL database. Each test module passes its own Redis database, so modules never take
each other's tasks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.db import connection

from cspm.celery import app

ROOT = Path(__file__).resolve().parents[2]


def forget_producers() -> None:
    """Eager tasks of earlier tests opened a producer pool on the default broker; a real worker
    process never changes brokers, so Celery keeps no public way to drop it (as after a fork)."""
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class Workers:
    """Sends this process's tasks to `broker`, starts workers on it, and undoes both in close()."""

    def __init__(self, broker: str, log_dir: Path) -> None:
        self.broker, self.log_dir = broker, log_dir
        self.started: list[subprocess.Popen] = []
        redis.Redis.from_url(broker).flushdb()
        self._saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
        forget_producers()
        app.conf.update(task_always_eager=False, broker_url=broker)

    def start(self, name: str = "worker", queues: str = "celery,aws,gcp,azure", **env: str) -> subprocess.Popen:
        """A worker process (in a process group of its own, so a test can kill it whole)."""
        db = connection.settings_dict
        log = self.log_dir / f"{name}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cspm", "worker", "-Q", queues, "--pool", "solo",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning", "-n", f"{name}@%h"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("w"), start_new_session=True,
            env=dict(os.environ, CELERY_BROKER_URL=self.broker, **env,
                     DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"))
        proc.log = log
        self.started.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def close(self) -> None:
        for proc in self.started:
            self.kill(proc)
        forget_producers()
        app.conf.update(self._saved)
        redis.Redis.from_url(self.broker).flushdb()
