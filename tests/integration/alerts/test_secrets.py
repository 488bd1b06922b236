"""Channel secrets (webhook URLs, signing secret, SMTP password) are encrypted at rest and never
shown: not in the database in plaintext, not in --json output, not in errors or logs."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import orjson
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from cspm.accounts.crypto import reset_cipher
from cspm.alerts.channels import channel_secrets
from cspm.alerts.deliver import deliver_due
from cspm.alerts.models import Channel, Notification
from tests.integration.alerts.conftest import (
    SECRETS,
    SIGNING_SECRET,
    SLACK_PATH,
    SMTP_PASSWORD,
    WEBHOOK_PATH,
    add_email,
    add_slack,
    add_webhook,
    write,
)
from tests.integration.helpers import EKS_ARN, cli, eks_config, onboard, poll

ROOT = Path(__file__).resolve().parents[3]


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a secret leaked: {secret[:6]}…"


@pytest.fixture
def three(tmp_path, smtp, http):
    password = write(tmp_path, "smtp.pw", SMTP_PASSWORD)
    return [add_email(tmp_path, smtp, "mail", "--smtp-username", "cspm", "--smtp-password-file", password),
            add_slack(tmp_path, http), add_webhook(tmp_path, http)]


@pytest.mark.django_db
def test_secrets_are_encrypted_at_rest_and_decrypt_for_sending(three, http):
    with connection.cursor() as cur:
        cur.execute("SELECT name, config::text, secrets_encrypted FROM alerts_channel ORDER BY name")
        rows = cur.fetchall()
    assert len(rows) == 3
    for _name, config, token in rows:
        assert token.startswith("gAAAA")  # a Fernet token
        assert_no_secret(config + token)
    assert channel_secrets(Channel.objects.get(name="sec-slack")) == {"url": http.url(SLACK_PATH)}
    assert channel_secrets(Channel.objects.get(name="sec-webhook")) == {
        "url": http.url(WEBHOOK_PATH), "signing_secret": SIGNING_SECRET}
    assert channel_secrets(Channel.objects.get(name="mail")) == {"smtp_password": SMTP_PASSWORD}


@pytest.mark.django_db
def test_json_output_shows_a_summary_never_a_secret(three, http):
    assert_no_secret(orjson.dumps(three).decode())
    listing = cli("channel", "list")
    assert_no_secret(orjson.dumps(listing).decode())
    by_name = {c["name"]: c for c in listing}
    assert by_name["sec-slack"]["host"] == f"127.0.0.1:{http.port}" and by_name["sec-slack"]["url"] == "set (encrypted)"
    assert by_name["sec-webhook"]["signing_secret"] == "set (encrypted)"
    assert by_name["mail"]["smtp"]["username"] == "cspm" and by_name["mail"]["smtp"]["password"] == "set"
    out = StringIO()
    call_command("channel", "list", stdout=out)
    assert_no_secret(out.getvalue())


@pytest.mark.django_db
def test_errors_and_logs_never_carry_a_secret(estate, three, http, smtp, caplog):
    for name in ("mail", "sec-slack", "sec-webhook"):
        cli("alert_rule", "add", "--channel", name)
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    onboard()
    poll()
    cli("baseline", "approve", "prod-aws")
    http.status = 500  # its error page echoes the request path, query string included
    smtp.stop()
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True))
    poll()
    assert deliver_due() == {"sent": 0, "retrying": 3, "dead": 0}
    errors = list(Notification.objects.values_list("last_error", flat=True))
    assert all(errors) and len(errors) == 3
    assert_no_secret(" ".join(errors))
    assert_no_secret(caplog.text)
    assert_no_secret(orjson.dumps(cli("notifications")).decode())


@pytest.mark.django_db
def test_a_url_can_come_from_stdin(http):
    call_command("channel", "add", "slack", "piped", "--url-stdin", "--json",
                 stdin=StringIO(http.url(SLACK_PATH) + "\n"), stdout=StringIO())
    assert channel_secrets(Channel.objects.get(name="piped")) == {"url": http.url(SLACK_PATH)}


@pytest.mark.django_db(transaction=True)
def test_from_the_shell_the_secret_is_piped_and_never_printed(http):
    db = connection.settings_dict
    env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")

    def manage(*args, stdin=""):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin,
                              capture_output=True, text=True, timeout=60)

    added = manage("channel", "add", "slack", "ops", "--url-stdin", stdin=http.url(SLACK_PATH))
    assert added.returncode == 0, added.stderr
    assert_no_secret(added.stdout + added.stderr)
    listed = manage("channel", "list", "--json")
    assert_no_secret(listed.stdout) and "ops" in listed.stdout
    tested = manage("channel", "test", "ops")
    assert tested.returncode == 0 and "test message sent through 'ops'" in tested.stdout
    assert len(http.paths("/services/")) == 1
    http.stop()
    failed = manage("channel", "test", "ops")
    assert failed.returncode == 1
    assert failed.stderr.strip() == (f"error: test message through 'ops' failed: cannot reach 127.0.0.1:{http.port}: "
                                     "Connection refused")


@pytest.mark.django_db
def test_rotating_the_key_reencrypts_channel_secrets(three, settings):
    old = settings.CSPM_CREDENTIALS_KEYS[0]
    new = Fernet.generate_key().decode()
    try:
        settings.CSPM_CREDENTIALS_KEYS = [new, old]
        reset_cipher()
        assert cli("rotate_credentials") == {"reencrypted": 3, "accounts": 0, "channels": 3}
        settings.CSPM_CREDENTIALS_KEYS = [new]  # the old key is gone: every secret still reads
        reset_cipher()
        for channel in Channel.objects.all():
            assert Fernet(new.encode()).decrypt(channel.secrets_encrypted.encode())
        assert channel_secrets(Channel.objects.get(name="mail")) == {"smtp_password": SMTP_PASSWORD}
    finally:
        reset_cipher()
