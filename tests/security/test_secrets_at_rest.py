"""Secrets given through the API are stored encrypted (read back with raw SQL, past the ORM),
never echoed, never logged; API tokens are stored as hashes only."""

import json
import logging

import pytest
from django.db import connection
from django.test import Client

from cspm.accounts.crypto import decrypt_credentials
from cspm.accounts.models import CloudAccount

pytestmark = pytest.mark.django_db

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz"


def rows(table: str) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT coalesce(json_agg(t)::text, '') FROM {table} t")
        return cur.fetchone()[0]


def test_credentials_sent_to_the_api_are_ciphertext_in_the_table_and_in_no_log(world, caplog):
    caplog.set_level(logging.DEBUG)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['acme-admin']}")
    body = {"organization": world.id("Acme", "organization"), "provider": "aws", "native_id": "555555555555",
            "name": "secret-keeper", "test_connection": False,
            "credentials": {"access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": SECRET}}
    created = api.post("/api/v1/accounts/", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    account = CloudAccount.objects.get(name="secret-keeper")
    replaced = api.post(f"/api/v1/accounts/{account.pk}/credentials/", json.dumps(
        {"test_connection": False, "credentials": {"access_key_id": "AKIAIOSFODNN7EXAMPLE",
                                                   "secret_access_key": SECRET[::-1]}}),
        content_type="application/json")
    assert replaced.status_code == 200
    table = rows("accounts_cloudaccount")
    assert "secret-keeper" in table  # the row is there...
    assert SECRET not in table and SECRET[::-1] not in table  # ...its secret is not
    assert SECRET not in rows("audit_auditevent") and SECRET[::-1] not in rows("audit_auditevent")
    account.refresh_from_db()
    assert decrypt_credentials(account.credentials_encrypted)["secret_access_key"] == SECRET[::-1]
    for response in (created, replaced, api.get(f"/api/v1/accounts/{account.pk}/")):
        assert SECRET not in response.content.decode() and SECRET[::-1] not in response.content.decode()
    logged = "\n".join(record.getMessage() + str(record.args) for record in caplog.records)
    assert SECRET not in logged and SECRET[::-1] not in logged


def test_api_tokens_are_kept_as_hashes(world):
    table = rows("accounts_apitoken")
    assert table.count('"key_hash"') == len(world.tokens)
    for raw in world.tokens.values():
        assert raw not in table and raw[12:] not in table  # not even past the shown prefix
