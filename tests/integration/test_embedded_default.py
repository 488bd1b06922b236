"""The embedded default (no DATABASE_URL, no broker) runs the same flow on SQLite in-process."""

import subprocess
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]


def test_core_flow_runs_on_sqlite_with_the_in_process_worker(tmp_path):
    proc = subprocess.run([sys.executable, "tests/support/embedded_flow.py", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen = orjson.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["vendor"] == "sqlite"
    assert seen["database"] == str(tmp_path / "cspm.sqlite3")
    assert seen["snapshots"][1] > seen["snapshots"][0]
    kinds = {f["resource_type"]: (f["kind"], f["severity"]) for f in seen["drift"]}
    assert kinds["aws.eks.cluster"] == ("modified", "critical")
    assert kinds["aws.s3.bucket"][0] == "removed"
    # The web app works on SQLite too (no PostgreSQL-only expression in any page).
    assert seen["pages"] and set(seen["pages"].values()) == {200}, seen["pages"]
    # The generated credentials key stays private to its owner.
    assert oct((tmp_path / "credentials.key").stat().st_mode)[-3:] == "600"
