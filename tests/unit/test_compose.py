"""docker-compose.yml cannot be started here (no Docker engine): check what can be checked —
every part of the stack is there, with health checks, and the workers consume every queue the
tasks are sent to."""

from pathlib import Path

import yaml

from collectors.base import PROVIDERS

STACK = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())


def test_the_stack_has_every_part():
    assert set(STACK["services"]) == {"postgres", "redis", "keys", "migrate", "web", "worker", "beat", "mailpit",
                                      "demo"}
    # The demo runs only when asked for (its profile), beside the usual stack.
    assert STACK["services"]["demo"]["profiles"] == ["demo"]
    assert all("profiles" not in service for name, service in STACK["services"].items() if name != "demo")


def test_long_running_services_have_health_checks():
    for name in ("postgres", "redis", "worker", "mailpit"):
        assert STACK["services"][name]["healthcheck"]["test"], name
    assert "HEALTHCHECK" in (Path(__file__).resolve().parents[2] / "Dockerfile").read_text()  # web's


def test_workers_consume_the_default_queue_and_one_per_cloud():
    command = STACK["services"]["worker"]["command"]
    queues = set(command[command.index("-Q") + 1].split(","))
    assert queues == {"celery", *PROVIDERS}


def test_the_app_waits_for_its_keys_a_migrated_database_and_a_live_redis():
    for name in ("web", "worker", "beat"):
        depends = STACK["services"][name]["depends_on"]
        assert depends["keys"]["condition"] == depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"


def test_no_preparation_is_needed_the_keys_come_from_files_the_stack_generates():
    env = STACK["x-env"]
    assert "SECRET_KEY" not in env and "CSPM_CREDENTIALS_KEYS" not in env  # nothing to fill in first
    assert env["SECRET_KEY_FILE"].endswith("/app/keys/secret_key}")
    assert STACK["services"]["keys"]["command"] == ["python", "-m", "cspm.keygen", "/app/keys"]
    for name in ("migrate", "web", "worker", "beat"):
        assert "keys:/app/keys:ro" in STACK["services"][name]["volumes"], name
