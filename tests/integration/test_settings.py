"""Production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("missing", "message"), [("SECRET_KEY", "SECRET_KEY"), ("CSPM_CREDENTIALS_KEYS", "CSPM_CREDENTIALS_KEYS")])
def test_production_settings_need_secret_key_and_credentials_keys(missing, message):
    env = dict(os.environ, DATABASE_URL="postgres://postgres@127.0.0.1:5432/cspm", DEBUG="false",
               SECRET_KEY="x", CSPM_CREDENTIALS_KEYS="dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTMyYnl0ZXM=")
    del env[missing]
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0
    assert message in proc.stderr


def _production_env(**extra):
    # What an operator sets: a long random secret, the hosts it answers, its database; HTTPS on
    # by default. Nothing inherited from the test environment.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cspm",
           "SECRET_KEY": "k3Jx9v-Qm2PzL8wT0bYc7Hn4Rf6Gd1Ua5Se_Wq3Vy9Ti2Op7Kl0Mz8Nx4Bc6Vd1Fg5",
           "CSPM_CREDENTIALS_KEYS": "dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTMyYnl0ZXM=",
           "ALLOWED_HOSTS": "cspm.example.com"}
    return env | extra


def _check_deploy(env):
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    proc = _check_deploy(_production_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_check_deploy_flags_plain_http():
    # The same check, with HTTPS turned off, does find the insecure cookies (so the test above
    # proves something).
    proc = _check_deploy(_production_env(CSPM_HTTPS="false"))
    assert proc.returncode != 0
    assert "SESSION_COOKIE_SECURE" in proc.stdout + proc.stderr
