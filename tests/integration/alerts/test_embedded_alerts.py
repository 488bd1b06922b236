"""The embedded default (SQLite, no broker) sends alerts in-process and retries them, too."""

import subprocess
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[3]


def test_alerts_run_on_sqlite_with_the_in_process_worker(tmp_path):
    proc = subprocess.run([sys.executable, "tests/support/embedded_alerts.py", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen = orjson.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["vendor"] == "sqlite"
    assert seen["after_first_drift"] == 1
    assert seen["while_down"] == ["sent", "pending"]
    assert seen["retry"] == {"sent": 1, "retrying": 0, "dead": 0}
    assert seen["again"] == {"sent": 0, "retrying": 0, "dead": 0}
    assert seen["requests"] == 2
