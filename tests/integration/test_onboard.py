"""Onboarding from the command line: validation, encryption at rest, and the exit-2 contract."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db import connection

from cspm.accounts.crypto import decrypt_credentials
from cspm.accounts.models import CloudAccount, Organization
from tests.integration.helpers import cli

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_KEYS = {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": SECRET}
AZURE_SP = {"tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "client_secret": "s3cr3t-Azure~value.1234"}


def write(tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_onboard_encrypts_credentials_and_never_prints_them(tmp_path):
    creds = write(tmp_path, "aws.json", AWS_KEYS)
    out = cli("onboard", "--no-test", "--provider", "aws", "--account-id", "123456789012", "--name", "prod-aws",
              "--org", "Acme Group", "--credentials", creds, "--regions", "us-east-1,eu-west-1",
              "--environment", "prod")
    assert out["account_id"] == "123456789012" and out["regions"] == ["us-east-1", "eu-west-1"]
    assert out["credentials"]["kind"] == "aws_keys"
    assert SECRET not in json.dumps(out) and "AKIAIOSFODNN7EXAMPLE" not in json.dumps(out)
    account = CloudAccount.objects.get(name="prod-aws")
    assert SECRET not in account.credentials_encrypted
    with connection.cursor() as cur:
        cur.execute("SELECT row_to_json(a)::text FROM accounts_cloudaccount a")
        assert SECRET not in cur.fetchone()[0]
    assert decrypt_credentials(account.credentials_encrypted)["secret_access_key"] == SECRET


def test_onboard_an_acquisition_into_its_own_organization(tmp_path):
    cli("onboard", "--no-test", "--provider", "aws", "--account-id", "123456789012", "--name", "parent-aws",
        "--org", "Acme Group")
    out = cli("onboard", "--no-test", "--provider", "azure", "--account-id", "8F3C1E2A-7B4D-4E5F-9A6B-1C2D3E4F5A6B",
              "--name", "globex-azure", "--org", "Globex", "--acquired", "--environment", "staging",
              "--credentials", write(tmp_path, "sp.json", AZURE_SP))
    assert out["account_id"] == "8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6b"
    assert out["organization_kind"] == "acquisition" and out["integration_stage"] == "due_diligence"
    assert out["credentials"]["kind"] == "azure_service_principal"
    assert AZURE_SP["client_secret"] not in json.dumps(out)
    globex = Organization.objects.get(name="Globex")
    assert globex.parent.name == "Acme Group" and globex.acquired_on is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provider", "aws", "--account-id", "12345"], "12"),
        (["--provider", "oracle", "--account-id", "123456789012"], "unknown provider"),
        (["--provider", "gcp", "--account-id", "Bad_Project!"], "project"),
        (["--provider", "azure", "--account-id", "not-a-guid"], "GUID"),
        (["--provider", "aws", "--account-id", "123456789012", "--environment", "qa"], "environment"),
        (["--provider", "aws", "--account-id", "123456789012", "--regions", "mars-1"], "region"),
        (["--provider", "aws", "--account-id", "123456789012", "--endpoint", "ftp://x"], "URL"),
    ],
)
def test_bad_input_is_refused_with_exit_2_and_nothing_written(args, message):
    with pytest.raises(CommandError) as err:
        cli("onboard", "--no-test", "--name", "x", "--org", "Acme Group", *args)
    assert err.value.returncode == 2
    assert message.lower() in str(err.value).lower()
    assert "\n" not in str(err.value)
    assert not CloudAccount.objects.exists() and not Organization.objects.exists()


@pytest.mark.parametrize(
    "content",
    ["{not json", "[]", json.dumps({"access_key_id": "AKIAIOSFODNN7EXAMPLE"}),
     json.dumps({**AWS_KEYS, "role_arn": "arn:aws:iam::123456789012:role/x"}),
     json.dumps({"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "short\u0000"})],
)
def test_malformed_credentials_are_refused_without_echoing_secrets(tmp_path, content):
    path = write(tmp_path, "bad.json", content)
    with pytest.raises(CommandError) as err:
        cli("onboard", "--no-test", "--provider", "aws", "--account-id", "123456789012", "--name", "x", "--org", "Acme",
            "--credentials", path)
    assert err.value.returncode == 2
    assert SECRET not in str(err.value) and "short" not in str(err.value)
    assert not CloudAccount.objects.exists()


def test_duplicate_account_is_refused():
    cli("onboard", "--no-test", "--provider", "aws", "--account-id", "123456789012", "--name", "a", "--org", "Acme")
    with pytest.raises(CommandError) as err:
        cli("onboard", "--no-test", "--provider", "aws", "--account-id", "123456789012", "--name", "b", "--org", "Acme")
    assert "already onboarded as 'a'" in str(err.value)


def test_ca_bundle_must_be_certificates(tmp_path):
    with pytest.raises(CommandError) as err:
        cli("onboard", "--no-test", "--provider", "aws", "--account-id", "123456789012", "--name", "a", "--org", "Acme",
            "--endpoint", "https://127.0.0.1:8443", "--ca-bundle", write(tmp_path, "ca.pem", "hello"))
    assert "PEM" in str(err.value)


def test_rotating_the_key_reencrypts_every_credential(tmp_path, settings):
    from cryptography.fernet import Fernet

    from cspm.accounts.crypto import reset_cipher

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CSPM_CREDENTIALS_KEYS = [old]
    reset_cipher()
    try:
        cli("onboard", "--no-test", "--provider", "aws", "--account-id", "123456789012", "--name", "a", "--org", "Acme",
            "--credentials", write(tmp_path, "c.json", AWS_KEYS))
        settings.CSPM_CREDENTIALS_KEYS = [new, old]
        reset_cipher()
        assert cli("rotate_credentials") == {"reencrypted": 1, "accounts": 1, "channels": 0}
        settings.CSPM_CREDENTIALS_KEYS = [new]
        reset_cipher()
        token = CloudAccount.objects.get().credentials_encrypted
        assert decrypt_credentials(token)["secret_access_key"] == SECRET
        assert Fernet(new.encode()).decrypt(token.encode())
    finally:
        reset_cipher()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "args",
    [
        ["onboard", "--provider", "oracle", "--account-id", "1", "--name", "x", "--org", "y"],
        ["onboard", "--provider", "aws", "--account-id", "abc", "--name", "x", "--org", "y"],
        ["onboard", "--provider", "aws", "--account-id", "123456789012", "--name", "x", "--org", "y",
         "--credentials", "/nonexistent/creds.json"],
        ["onboard", "--provider", "aws"],  # argparse's own error, also one line
        ["poll", "no-such-account"],
    ],
)
def test_command_line_errors_are_one_line_with_exit_code_2(args):
    db = connection.settings_dict
    env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    proc = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not CloudAccount.objects.exists()
