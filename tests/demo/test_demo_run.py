"""`manage.py demo --once`, the real thing in a fresh process on the embedded default (SQLite under
a temp dir, tasks in-process): the simulated clouds start, the group is seeded and onboarded,
polled, baselined, one drift per cloud is injected and polled, and the local receivers catch the
alerts. Run twice on the same directory: the second start finds everything the first made."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.support.ports import free_ports

ROOT = Path(__file__).resolve().parents[2]


def manage(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "CSPM_CREDENTIALS_KEYS", "CSPM_DEMO")}
    env["CSPM_VAR_DIR"] = str(var_dir)
    proc = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def two_starts(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("demo")
    manage(var_dir, "migrate", "--noinput")
    port = free_ports(5)
    runs = [orjson.loads(manage(var_dir, "demo", "--once", "--json", "--sim-port", str(port)).stdout)
            for _ in range(2)]
    return var_dir, runs


def test_first_start_shows_drift_from_every_cloud_and_alerts_it(two_starts):
    _, (first, _) = two_starts
    # One drift per cloud, each a finding of its own, nothing else.
    assert first["drift"] == {"aws": 1, "gcp": 1, "azure": 1}
    orgs = {o["name"]: o for o in first["organizations"]}
    assert orgs["Acme Group"]["kind"] == "parent"
    assert (orgs["Globex"]["kind"], orgs["Globex"]["integration_stage"]) == ("acquisition", "due_diligence")
    assert sorted(first["accounts"]) == sorted(f"{company}-{cloud}-prod" for company in ("acme", "globex")
                                               for cloud in ("aws", "gcp", "azure"))
    # Every drift is critical: each reached the inbox (every severity) and the Slack log (high and up).
    assert first["messages"]["email"] >= 3 and first["messages"]["slack"] >= 3
    assert first["admin"]["username"] == "demo" and first["admin"]["created"] is True
    assert len(first["admin"]["password"]) >= 16


def test_second_start_is_safe(two_starts):
    _, (first, second) = two_starts
    assert second["admin"]["username"] == "demo" and second["admin"]["created"] is False
    assert second["admin"]["password"] != first["admin"]["password"]  # printed again, a new one
    for key in ("organizations", "accounts", "channels", "rules"):
        assert second[key] == first[key], key  # nothing made twice
    # The restarted clouds are the same estate: the old drift resolved, the new one is the only one
    # (no AWS resource looks re-created although moto made new ids).
    assert second["drift"] == {"aws": 1, "gcp": 1, "azure": 1}
    assert second["messages"]["slack"] > first["messages"]["slack"]


def test_the_printed_password_is_the_admins(two_starts):
    from django.contrib.auth.hashers import check_password

    var_dir, (first, second) = two_starts
    with sqlite3.connect(var_dir / "cspm.sqlite3") as db:
        [(encoded, superuser)] = db.execute("SELECT password, is_superuser FROM auth_user WHERE username = 'demo'")
    assert superuser and check_password(second["admin"]["password"], encoded)
    assert not check_password(first["admin"]["password"], encoded)


PAGES = """
from django.contrib.auth.models import User
from django.test import Client
import json
client = Client()
client.force_login(User.objects.get(username="demo"))
seen = {"dashboard": client.get("/", HTTP_HOST="localhost").status_code}
for cloud in ("aws", "gcp", "azure"):
    page = client.get("/findings/", {"cloud": cloud, "source": "drift"}, HTTP_HOST="localhost")
    seen[cloud] = [page.status_code, "No findings match." not in page.text]
print(json.dumps(seen))
"""


def test_the_dashboard_and_each_clouds_drift_show_on_the_embedded_default(two_starts):
    var_dir, _ = two_starts
    seen = orjson.loads(manage(var_dir, "shell", "-c", PAGES).stdout.strip().splitlines()[-1])
    assert seen == {"dashboard": 200, "aws": [200, True], "gcp": [200, True], "azure": [200, True]}
