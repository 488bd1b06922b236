"""A demo start, step by step, and what keeps it moving afterwards: the in-process schedule
(Celery beat's entries, run here when there is no broker) and the drift injector."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection

from cspm.core.beat import InProcessBeat
from cspm.demo import group
from cspm.demo.clouds import Ports, SimulatedClouds
from cspm.demo.receivers import SlackReceiver, SmtpInbox

log = logging.getLogger(__name__)


@dataclass
class Demo:
    ports: Ports
    bind: str = "127.0.0.1"
    advertise: str = "127.0.0.1"
    poll_interval: int = 30
    admin: str = "demo"
    clouds: SimulatedClouds | None = None
    receivers: list = field(default_factory=list)
    accounts: list = field(default_factory=list)
    step: int = 0  # the next entry of group.DRIFT_PLAN
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list = field(default_factory=list)

    def start(self, say: Callable[[str], None] = print) -> dict:
        """Simulators and receivers up, the group seeded and onboarded, first poll, baselines,
        one drift per cloud, a poll that sees it (and alerts it). Returns the admin's credentials."""
        clock = time.monotonic()
        self.clouds = SimulatedClouds(ports=self.ports, bind=self.bind, advertise=self.advertise).start()
        self.receivers = [SmtpInbox(self.bind, self.ports.smtp).start(),
                          SlackReceiver(self.bind, self.ports.slack).start()]
        self.clouds.seed(group.ACCOUNTS)
        say(f"simulated clouds up and seeded ({time.monotonic() - clock:.1f} s): AWS {self.clouds.aws_url}, "
            f"GCP {self.clouds.gcp_url}, Azure {self.clouds.azure_url}")
        user, password, created = group.demo_admin_ensure(username=self.admin)
        self.accounts = group.demo_accounts_ensure(self.clouds, poll_interval=self.poll_interval)
        group.demo_channels_ensure(self.ports, host=self.advertise)
        say(f"{len(self.accounts)} accounts of {group.PARENT} and its acquisition {group.ACQUISITION}; first poll:")
        group.poll_accounts(self.accounts, say=say)
        group.approve_baselines(self.accounts)
        say("baselines approved; injecting one drift per cloud:")
        self.inject_round(group.FIRST_ROUND, say)
        group.poll_accounts(self.accounts, say=say)
        say(f"open drift by cloud: {group.open_drift_by_provider()} ({time.monotonic() - clock:.1f} s since start)")
        return {"username": user.get_username(), "password": password, "created": created}

    def inject_round(self, count: int, say: Callable[[str], None]) -> list[dict]:
        done = []
        for _ in range(count * len(group.DRIFT_PLAN)):  # skips used-up kinds, never loops forever
            if len(done) == count:
                break
            expected = group.inject_drift(self.clouds, self.step)
            self.step += 1
            if expected is not None:
                say(f"  drift: {expected['drift']} on {expected['account']} ({expected['native_id']})")
                done.append(expected)
        return done

    def run_in_background(self, *, drift_every: float, schedule: bool, say: Callable[[str], None] = print) -> None:
        """The in-process schedule (only without a broker: with one, Celery beat and the workers
        poll) and the drift injector, as daemon threads until stop is set."""
        if schedule:
            self._thread(self._schedule_loop, "demo-schedule")
        if drift_every > 0:
            self._thread(lambda: self._drift_loop(drift_every, say), "demo-drift")

    def _thread(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _schedule_loop(self) -> None:
        InProcessBeat().run_until(self.stop)
        connection.close()

    def _drift_loop(self, every: float, say: Callable[[str], None]) -> None:
        while not self.stop.wait(every):
            try:
                if not self.inject_round(1, say):
                    say("  drift injector: every planned drift is in place; nothing left to change")
                    return
            except Exception:
                log.exception("demo drift injector: an injection failed; trying the next one")

    def shutdown(self) -> None:
        self.stop.set()
        for receiver in self.receivers:
            receiver.stop()
        if self.clouds is not None:
            self.clouds.stop()
