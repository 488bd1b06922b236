"""The permission layer: a membership reaches its organization and everything under it; roles
rank viewer < analyst < admin; objects outside a user's reach are absent, not forbidden."""

import pytest
from django.contrib.auth.models import User

from cspm.accounts.access import accounts_for, can, organizations_for, roles, scoped
from cspm.accounts.models import CloudAccount, Membership, Organization
from cspm.drift.models import DriftFinding
from tests.integration.helpers import cli

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    """Acme (parent) owns Globex (acquired), which acquired Initech; Hooli is a separate parent."""
    for name, account_id, extra in (("acme-prod", "111111111111", ("--org", "Acme")),
                                    ("globex-prod", "222222222222",
                                     ("--org", "Globex", "--acquired", "--parent", "Acme")),
                                    ("initech-prod", "333333333333",
                                     ("--org", "Initech", "--acquired", "--parent", "Globex")),
                                    ("hooli-prod", "444444444444", ("--org", "Hooli"))):
        cli("onboard", "--no-test", "--provider", "aws", "--account-id", account_id, "--name", name, *extra)
    return {o.name: o for o in Organization.objects.all()}


def member(name: str, **orgs_roles) -> User:
    user = User.objects.create_user(name, password="correct horse battery staple")
    for org, role in orgs_roles.items():
        Membership.objects.create(user=user, organization=Organization.objects.get(name=org), role=role)
    return user


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_the_parents_team_sees_the_group_and_an_acquisitions_team_only_its_own(group):
    parent_team = member("ciso", Acme="admin")
    globex_team = member("globex-sec", Globex="analyst")
    assert names(accounts_for(parent_team)) == {"acme-prod", "globex-prod", "initech-prod"}
    assert names(accounts_for(globex_team)) == {"globex-prod", "initech-prod"}  # its own, and below
    assert "hooli-prod" not in names(accounts_for(parent_team))


def test_roles_rank_and_the_strongest_on_a_branch_wins(group):
    user = member("dana", Acme="viewer", Globex="admin")
    assert roles(user)[group["Acme"].pk] == "viewer"
    assert roles(user)[group["Initech"].pk] == "admin"  # under Globex, where dana is admin
    assert can(user, "manage", group["Globex"].pk) and not can(user, "triage", group["Acme"].pk)
    analyst = member("ana", Acme="analyst")
    assert can(analyst, "triage", group["Initech"].pk) and not can(analyst, "manage", group["Acme"].pk)
    assert set(organizations_for(analyst, "manage")) == set()


def test_nobody_reaches_anything_without_a_membership(group):
    stranger = member("stranger")
    assert roles(stranger) == {} and not accounts_for(stranger).exists()
    from django.contrib.auth.models import AnonymousUser

    assert roles(AnonymousUser()) == {}
    inactive = member("gone", Acme="admin")
    inactive.is_active = False
    assert roles(inactive) == {}
    root = User.objects.create_superuser("root", password="x" * 20)
    assert names(accounts_for(root)) == set(CloudAccount.objects.values_list("name", flat=True))


def test_any_query_is_narrowed_so_a_guessed_id_is_simply_absent(group, estate):
    from tests.integration.helpers import EKS_ARN, eks_config, poll

    estate.put("aws.eks.cluster", EKS_ARN, eks_config(public=True, cidrs=("0.0.0.0/0",)))
    poll("hooli-prod")  # Hooli's cluster fails controls: findings of Hooli
    hooli_finding = DriftFinding.objects.filter(account__name="hooli-prod").first()
    assert hooli_finding is not None
    acme = member("acme-analyst", Acme="analyst")
    assert not scoped(acme, DriftFinding.objects.filter(pk=hooli_finding.pk)).exists()
    hooli = member("hooli-viewer", Hooli="viewer")
    assert scoped(hooli, DriftFinding.objects.filter(pk=hooli_finding.pk)).exists()
    assert not scoped(hooli, DriftFinding.objects.filter(pk=hooli_finding.pk), action="triage").exists()
