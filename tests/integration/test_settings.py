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
