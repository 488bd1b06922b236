"""A small group to call the API about: Acme (parent) owns Globex (acquired); Hooli is another
group. Each has a polled AWS account; Acme's has drift on its bucket. Users hold one role each,
and each calls with a personal token."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from cspm.accounts.models import CloudAccount, Membership, Organization
from cspm.accounts.tokens import token_create
from cspm.drift.models import DriftFinding
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, cli, eks_config, poll

ACCOUNTS = (("acme-aws", "111111111111", ("--org", "Acme")),
            ("globex-aws", "222222222222", ("--org", "Globex", "--acquired", "--parent", "Acme")),
            ("hooli-aws", "333333333333", ("--org", "Hooli")))


@pytest.fixture
def world(db, estate):
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",)))  # fails controls
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    for name, native_id, extra in ACCOUNTS:
        cli("onboard", "--no-test", "--provider", "aws", "--account-id", native_id, "--name", name,
            "--environment", "staging" if name == "globex-aws" else "prod", *extra)
        poll(name)
    cli("baseline", "approve", "acme-aws")
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(block=False))
    poll("acme-aws")  # a drift finding on acme's bucket
    orgs = {o.name: o for o in Organization.objects.all()}
    accounts = {a.name: a for a in CloudAccount.objects.all()}
    return {"orgs": orgs, "accounts": accounts, "estate": estate}


def member(name: str, **orgs_roles) -> User:
    user = User.objects.create_user(name, password="correct horse battery staple")
    for org, role in orgs_roles.items():
        Membership.objects.create(user=user, organization=Organization.objects.get(name=org), role=role)
    return user


def client_for(user: User, **extra) -> APIClient:
    _, raw = token_create(user=user, name="test")
    client = APIClient(**extra)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def admin(world):
    return client_for(member("ada", Acme="admin"))


@pytest.fixture
def analyst(world):
    return client_for(member("ana", Acme="analyst"))


@pytest.fixture
def viewer(world):
    return client_for(member("vic", Acme="viewer"))


@pytest.fixture
def hooli(world):
    """An admin of the other group: Acme's objects are out of reach."""
    return client_for(member("hal", Hooli="admin"))


def drift_finding() -> DriftFinding:
    return DriftFinding.objects.get(account__name="acme-aws", control_id="", status="open")


def control_finding(account: str = "acme-aws") -> DriftFinding:
    return (DriftFinding.objects.filter(account__name=account, status="open", resource__type="aws.eks.cluster")
            .exclude(control_id="").order_by("id").first())


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]
