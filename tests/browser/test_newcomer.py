"""A newcomer's first minutes, as the README tells them, for real: `make demo` (`manage.py demo` in
its own process on the embedded default: SQLite under a fresh CSPM_VAR_DIR, tasks in-process, no
DATABASE_URL, broker or SECRET_KEY), wait for "Demo ready" and the printed password, then in
Chromium: sign in as the demo admin, the dashboard with drift and the accounts of Acme Group and
its acquisition Globex in AWS, GCP and Azure, the drift list and one finding (its side-by-side diff
and how to fix it), the organizations (the parent beside its acquisition), Globex's due-diligence
report, the demo inbox with the alert emails and Slack messages, and the injector's next drift
arriving on its own. Ctrl-C stops the demo and leaves no process behind.

No pytest-django database here: the demo has its own, in the other process."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import shoot, watched
from tests.support.ports import free_ports

ROOT = Path(__file__).resolve().parents[2]
# What `make demo` runs with: none of the test run's PostgreSQL, broker, keys or HTTPS setting.
STRIPPED = ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "CSPM_CREDENTIALS_KEYS", "CSPM_DEMO", "CSPM_HTTPS",
            "DEBUG", "CSPM_VAR_DIR", "DJANGO_SETTINGS_MODULE")
READY_WITHIN = 120  # seconds from start to "Demo ready" (about 10 s on a laptop)
CLOUDS = ("AWS", "Google Cloud", "Azure")  # as the pages name them
ACCOUNTS = {f"{company}-{cloud}-prod": (org, label) for company, org in (("acme", "Acme Group"), ("globex", "Globex"))
            for cloud, label in (("aws", "AWS"), ("gcp", "Google Cloud"), ("azure", "Azure"))}


class DemoProcess:
    """`manage.py demo` in a process of its own session; its output read line by line as it comes."""

    def __init__(self, var_dir: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k not in STRIPPED}
        env.update(CSPM_VAR_DIR=str(var_dir), CSPM_DEMO="1", PYTHONUNBUFFERED="1")
        self.env = env
        self.lines: list[str] = []
        self._new: queue.Queue[str | None] = queue.Queue()
        self.proc = subprocess.Popen([sys.executable, "manage.py", "demo", *args], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)
        self._new.put(None)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float, *, after: int = 0) -> re.Match:
        """The first line from line `after` on that matches `pattern`, waiting for it if need be."""
        deadline = time.monotonic() + timeout
        seen = after
        while True:
            for line in self.lines[seen:]:
                seen += 1
                if match := re.search(pattern, line):
                    return match
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {pattern!r} within {timeout:g} s; the demo said:\n{self.output[-4000:]}")
            try:
                if self._new.get(timeout=min(left, 1.0)) is None and self.proc.poll() is not None \
                        and seen == len(self.lines):
                    raise AssertionError(f"the demo exited ({self.proc.returncode}) before {pattern!r}:\n"
                                         f"{self.output[-4000:]}")
            except queue.Empty:
                pass

    def stop(self) -> signal.Signals | None:
        """Ctrl-C, as the README says; then SIGTERM, then SIGKILL, each after a bounded wait. The
        whole session goes: nothing of the demo outlives it. Returns the signal that stopped it."""
        for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            if self.proc.poll() is not None:
                return None
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return None
            try:
                self.proc.wait(timeout=wait)
                return sig
            except subprocess.TimeoutExpired:
                continue
        self.proc.wait(timeout=5)
        return signal.SIGKILL

    def survivors(self) -> list[str]:
        """Processes still in the demo's session (ps), besides zombies nobody has reaped yet."""
        ps = subprocess.run(["ps", "-eo", "pid=,sid=,stat=,args="], capture_output=True, text=True, check=True)
        return [row for row in ps.stdout.splitlines()
                if row.split()[1] == str(self.proc.pid) and not row.split()[2].startswith("Z")]


def wait_http(demo: DemoProcess, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if demo.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no answer at {url}; the demo said:\n{demo.output[-4000:]}") from None
        time.sleep(0.2)


@pytest.fixture
def demo(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in STRIPPED} | {"CSPM_VAR_DIR": str(var_dir)}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=180)
    sim_port = free_ports(6)  # the simulators and receivers, then the web server
    port = sim_port + 5
    # A drift every 10 s and polls every 10 s (the shortest allowed): the next drift shows within seconds.
    process = DemoProcess(var_dir, "--port", str(port), "--sim-port", str(sim_port),
                          "--drift-every", "10", "--poll-interval", "10")
    try:
        yield process
    finally:
        stopped_by = process.stop()
        print(process.output[-6000:])  # shown if the test failed
        assert process.survivors() == [], process.survivors()
    # Ctrl-C stops it all, cleanly (the simulators and receivers shut down, exit code 0).
    assert (stopped_by, process.proc.returncode) == (signal.SIGINT, 0), process.output[-3000:]


@pytest.fixture
def newcomer_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    context.set_default_timeout(15_000)
    page = watched(context.new_page())
    yield page
    context.close()


def drift_total(page) -> int:
    return int(page.locator(".dash-big").first.inner_text())


def test_a_newcomer_runs_the_demo_and_walks_through_it(demo, newcomer_page):
    page = newcomer_page
    started = time.monotonic()

    # What the terminal shows: the URL and the admin's password.
    ready = demo.wait_for(r"Demo ready: (http://\S+/)", READY_WITHIN)
    url = ready.group(1)
    creds = demo.wait_for(r"sign in as (\S+) with password (\S+)", 10)
    username, password = creds.groups()
    ready_line = len(demo.lines)
    assert username == "demo"
    assert re.search(rf"alerts caught locally: {re.escape(url)}demo/inbox/", demo.output)
    wait_http(demo, url + "healthz", 30)  # the web server starts right after the banner
    ready_after = time.monotonic() - started

    # The printed URL: a sign-in page first.
    page.goto(url)
    page.wait_for_url("**/login/**")
    shoot(page, "newcomer-sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/login" not in u)

    # The dashboard: open drift, and the six accounts of the group in the three clouds.
    assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()
    assert drift_total(page) >= 3  # one per cloud at start (the injector may have added more)
    riskiest = page.locator("section[aria-labelledby=risk-h] tbody tr")
    seen = {}
    for row in riskiest.all():
        cells = [c.inner_text().strip() for c in row.locator("th, td").all()]
        seen[cells[0]] = (cells[1], cells[2])
    assert {name: seen.get(name) for name in ACCOUNTS} == ACCOUNTS
    assert page.get_by_text("Every account polled on time.").is_visible()
    changes = page.locator("section[aria-labelledby=changes-h] tbody")
    assert "No changes recorded." not in changes.inner_text()
    shoot(page, "newcomer-dashboard")

    # The drift list: drift in every cloud; open the first one the README names (an EKS endpoint opened).
    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_role("link", name="Drift").click()
    page.wait_for_url("**/findings/**")
    filters = page.get_by_role("search", name="Filter the findings")
    filters.get_by_label("Source", exact=True).select_option("drift")
    with page.expect_navigation():
        filters.get_by_role("button", name="Filter").click()
    rows = page.locator("table.findings tbody tr")
    accounts_text = rows.locator("td:nth-last-child(5)").all_inner_texts()  # the Account column
    for cloud in CLOUDS:
        assert any(f"({cloud}," in text for text in accounts_text), (cloud, accounts_text)
    shoot(page, "newcomer-drift-list")
    eks = rows.filter(has_text="acme-payments-eks")
    assert "Critical" in eks.inner_text() and "acme-aws-prod" in eks.inner_text()
    with page.expect_navigation():
        eks.locator('a[href^="/findings/"]').first.click()
    assert re.search(r"/findings/\d+/$", page.url)
    diff = page.locator("table.config-diff")
    assert diff.count() == 1
    assert diff.locator("tr.diff-delete, tr.diff-replace, tr.diff-insert").count() >= 1
    assert page.get_by_role("heading", name="How to fix it").is_visible()
    assert len(page.locator("p.remediation").inner_text().strip()) > 20
    assert page.get_by_role("heading", name="What changed").is_visible()
    assert "endpointPublicAccess" in page.locator("table.changes").inner_text()
    shoot(page, "newcomer-finding")

    # The organizations: the parent beside its acquisition; then Globex's due diligence.
    main_nav.get_by_role("link", name="Organizations").click()
    page.wait_for_url("**/organizations/")
    group = page.locator("section", has=page.get_by_role("heading", name="Acme Group and its acquisitions"))
    acme = group.locator("article.org-card", has=page.get_by_role("heading", name="Acme Group", exact=True))
    globex = group.locator("article.org-card", has=page.get_by_role("heading", name="Globex", exact=True))
    assert "Acquisition of Acme Group" in globex.inner_text()
    assert "Due diligence" in globex.inner_text()
    a, g = acme.bounding_box(), globex.bounding_box()
    assert g["x"] >= a["x"] + a["width"] - 1 and abs(g["y"] - a["y"]) < 5, (a, g)  # side by side
    for card in (acme, globex):
        counts = dict(zip(card.locator("tbody th").all_inner_texts(), card.locator("tbody td").all_inner_texts(),
                          strict=True))
        assert all(counts.get(cloud) == "1" for cloud in CLOUDS), counts
    shoot(page, "newcomer-organizations")
    globex.get_by_role("link", name="Due diligence of Globex").click()
    page.wait_for_url("**/due-diligence/")
    assert page.get_by_role("heading", name="Due diligence: Globex", level=1).is_visible()
    assert page.get_by_role("heading", name="Coverage").is_visible()
    shoot(page, "newcomer-due-diligence")

    # The demo inbox: the alerts, by email and on Slack.
    page.goto(url + "demo/inbox/")
    assert page.get_by_role("heading", name="Demo inbox", level=1).is_visible()
    counts = {kind: int(re.search(r"\((\d+)\)", page.get_by_role("link", name=re.compile(kind)).inner_text())[1])
              for kind in ("Email", "Slack")}
    assert counts["Email"] >= 3 and counts["Slack"] >= 3, counts
    assert page.locator("article.demo-message").count() >= 6
    shoot(page, "newcomer-inbox")
    # An alert's link leads to its finding on this server (the printed host and port: signed in already).
    links = re.findall(r"https?://\S+/findings/\d+/", page.locator("main").inner_text())
    assert links and all(link.startswith(url) for link in links), links
    page.goto(links[0])
    assert page.get_by_role("heading", name=re.compile(r"drift|control", re.IGNORECASE), level=1).is_visible()
    assert "/login" not in page.url

    # The injector's next drift, seen on its own: its resource shows in the drift list.
    injected = demo.wait_for(r"  drift: (\S+) on (\S+) \((\S+)\)", 30, after=ready_line)
    kind, account, native_id = injected.groups()
    deadline = time.monotonic() + 60
    while True:
        page.goto(f"{url}findings/?source=drift&status=open")
        text = page.locator("table.findings tbody").inner_text()
        if account in text and native_id.rstrip("/").rsplit("/", 1)[-1] in text:
            break
        assert time.monotonic() < deadline, f"{kind} on {account} ({native_id}) never showed:\n{demo.output[-3000:]}"
        page.wait_for_timeout(2000)
    page.goto(url)
    assert drift_total(page) >= 4
    shoot(page, "newcomer-next-drift")

    assert page.console_errors == []
    assert demo.proc.poll() is None, demo.output[-3000:]  # still running until Ctrl-C
    print(f"demo ready after {ready_after:.1f} s; walk-through done after {time.monotonic() - started:.1f} s")
