"""AWS Organizations discovery and bulk onboarding, against moto's server."""

import pytest

from cspm.accounts.models import CloudAccount, Organization
from tests.integration.helpers import cli

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(moto, aws_account):
    org = moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    ids = [org.create_account(AccountName=name, Email=f"{name}@globex.example")["CreateAccountStatus"]["AccountId"]
           for name in ("globex-prod", "globex-dev")]
    return ids


def test_discover_lists_member_accounts(organization):
    members = cli("discover", "moto-aws")
    by_id = {m["account_id"]: m for m in members}
    assert set(organization) <= set(by_id)
    assert by_id[organization[0]]["name"] == "globex-prod" and by_id[organization[0]]["status"] == "ACTIVE"
    assert by_id["123456789012"]["onboarded_as"] == "moto-aws"  # the management account itself


def test_bulk_onboarding_assumes_the_same_role_in_every_member(organization, monkeypatch):
    # The role is assumed from the product's own base credentials (the environment).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    result = cli("discover", "moto-aws", "--onboard", "--role-name", "cspm-reader", "--external-id", "globex-2026",
                 "--org", "Globex", "--acquired", "--environment", "staging")
    assert {a["account_id"] for a in result["onboarded"]} == set(organization)
    assert result["failed"] == []
    assert {s["account_id"] for s in result["skipped"]} == {"123456789012"}
    member = CloudAccount.objects.get(native_id=organization[0])
    assert member.name == "globex-prod" and member.environment == "staging"
    assert member.credentials_summary == {"kind": "aws_role", "has_external_id": True,
                                          "role_arn": f"arn:aws:iam::{organization[0]}:role/cspm-reader"}
    assert member.organization == Organization.objects.get(name="Globex", kind="acquisition")
    # Running it again onboards nothing twice.
    again = cli("discover", "moto-aws", "--onboard", "--role-name", "cspm-reader", "--org", "Globex")
    assert again["onboarded"] == [] and len(again["skipped"]) == 3


def test_onboard_needs_a_role_name(organization):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as err:
        cli("discover", "moto-aws", "--onboard")
    assert err.value.returncode == 2 and "--role-name is required for AWS" in str(err.value)
