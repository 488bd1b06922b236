"""Celery beat's schedule, run in this process: the embedded default (and the demo) have no beat.
Each entry's task runs here when due; what it sends goes to the workers, if a broker is set."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)


class InProcessBeat:
    def __init__(self, *, overrides: dict[str, float] | None = None) -> None:
        from cspm.celery import app

        app.loader.import_default_modules()  # every app's tasks module, as a worker does at start
        self.app = app
        self.entries = {e["task"]: float(e["schedule"]) for e in settings.CELERY_BEAT_SCHEDULE.values()}
        self.entries.update(overrides or {})
        self.next_run = dict.fromkeys(self.entries, 0.0)

    def run_due(self, *, tolerate_errors: bool = False) -> dict[str, Any]:
        """Run every entry that is due; their results by task name."""
        ran: dict[str, Any] = {}
        for task, period in self.entries.items():
            if time.monotonic() < self.next_run[task]:
                continue
            self.next_run[task] = time.monotonic() + period
            try:
                ran[task] = self.app.tasks[task]()
            except Exception:
                if not tolerate_errors:
                    raise
                # One failed round (a busy database) must not stop the schedule.
                log.exception("schedule: %s failed; it runs again at its next turn", task)
        return ran

    def seconds_to_next(self) -> float:
        return max(0.1, min(self.next_run.values()) - time.monotonic())

    def run_until(self, stop: threading.Event, on_round=None) -> None:
        while not stop.is_set():
            close_old_connections()  # a long-running loop: drop connections past their age or broken
            ran = self.run_due(tolerate_errors=True)
            if on_round:
                on_round(ran)
            stop.wait(self.seconds_to_next())
