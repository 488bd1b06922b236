import pytest

from tests.integration.helpers import cli
from tests.support.receivers import HttpReceiver, SmtpServer

# The secrets of the test channels: none may ever show up outside their encrypted column.
SLACK_PATH = "/services/T0ACME/B0CSPM/sl4ckS3cretT0ken"
WEBHOOK_PATH = "/hooks/cspm?token=w3bh00kS3cretQuery"
SIGNING_SECRET = "s1gning-secret-0123456789abcdef"
SMTP_PASSWORD = "smtp-Pa55word-secret"
SECRETS = ("sl4ckS3cretT0ken", "w3bh00kS3cretQuery", SIGNING_SECRET, SMTP_PASSWORD)
# Rule arguments of the tests about drift alerts: a change that drifts usually makes compliance
# controls fail too, and those are items of their own kinds (control_failing, control_resolved:
# see test_events.py) that a rule without --event hears as well.
DRIFT_ONLY = ("--event", "drift_new", "--event", "drift_resolved")


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def http():
    receiver = HttpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def add_email(tmp_path, smtp, name="sec-email", *extra: str) -> dict:
    return cli("channel", "add", "email", name, "--recipients", "secops@acme.example,oncall@acme.example",
               "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp.port), "--from", "cspm@acme.example", *extra)


def add_slack(tmp_path, http, name="sec-slack", *extra: str) -> dict:
    return cli("channel", "add", "slack", name, "--url-file", write(tmp_path, f"{name}.url", http.url(SLACK_PATH)),
               *extra)


def add_webhook(tmp_path, http, name="sec-webhook", *extra: str) -> dict:
    return cli("channel", "add", "webhook", name, "--url-file", write(tmp_path, f"{name}.url", http.url(WEBHOOK_PATH)),
               "--secret-file", write(tmp_path, f"{name}.secret", SIGNING_SECRET), *extra)


def three_channels(tmp_path, smtp, http, *rule_args: str) -> dict:
    """An email, a Slack and a webhook channel, each with one rule (`rule_args`), immediately."""
    made = {"email": add_email(tmp_path, smtp), "slack": add_slack(tmp_path, http),
            "webhook": add_webhook(tmp_path, http)}
    for data in made.values():
        cli("alert_rule", "add", "--channel", data["name"], *rule_args)
    return made


@pytest.fixture
def channels(tmp_path, smtp, http):
    """The three channels, each hearing about everything."""
    return three_channels(tmp_path, smtp, http)


@pytest.fixture
def drift_channels(tmp_path, smtp, http):
    """The three channels, each hearing about drift only (new and resolved)."""
    return three_channels(tmp_path, smtp, http, *DRIFT_ONLY)
