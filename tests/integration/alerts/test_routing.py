"""Routing: which channel hears about which change. Each filter is shown keeping something out."""

import pytest

from cspm.alerts.models import Notification, NotificationItem
from tests.integration.alerts.conftest import DRIFT_ONLY, add_slack
from tests.integration.helpers import EKS_ARN, cli, eks_config, onboard, poll

pytestmark = pytest.mark.django_db
GKE = "projects/acme-gke-prod/locations/europe-west1/clusters/acme-gke"
ACCOUNTS = ("prod-aws", "globex-aws", "initech-aws", "acme-gke")


def gke_config(*, abac: bool = False) -> dict:
    return {"name": "acme-gke", "legacyAbac": {"enabled": abac}, "masterAuthorizedNetworksConfig": {"enabled": True}}


def add_account(provider: str, native_id: str, name: str, org: str, *extra: str) -> dict:
    return cli("onboard", "--no-test", "--provider", provider, "--account-id", native_id, "--name", name,
               "--org", org, *extra)


@pytest.fixture
def group(estate):
    """Acme Group (parent) with Globex (its acquisition); Initech, an unrelated parent; and a GCP
    project of Acme. The estate is shared: every AWS account sees the same cluster."""
    estate.put("aws.eks.cluster", EKS_ARN, eks_config())
    estate.put("gcp.gke.cluster", GKE, gke_config())
    onboard("prod-aws", "111111111111")
    add_account("aws", "222222222222", "globex-aws", "Globex", "--acquired", "--parent", "Acme Group")
    add_account("aws", "333333333333", "initech-aws", "Initech")
    add_account("gcp", "acme-gke-prod", "acme-gke", "Acme Group")
    for name in ACCOUNTS:
        poll(name)
        cli("baseline", "approve", name)
    return estate


@pytest.fixture
def channel(tmp_path, http):
    def make(name: str, *rule_args: str, channel_args: tuple = ()) -> str:
        add_slack(tmp_path, http, name, *channel_args)
        cli("alert_rule", "add", "--channel", name, *rule_args)
        return name

    return make


def drift_everywhere(estate, *, eks: dict | None = None, abac: bool = True) -> None:
    estate.put("aws.eks.cluster", EKS_ARN, eks_config(**(eks or {"public": True, "cidrs": ("0.0.0.0/0",)})))
    estate.put("gcp.gke.cluster", GKE, gke_config(abac=abac))
    for name in ACCOUNTS:
        poll(name)


def heard(channel: str) -> list[tuple[str, str, str]]:
    """(kind, account, severity) of every item the channel got, in order."""
    return [(i.kind, i.payload["account"]["name"], i.severity)
            for i in NotificationItem.objects.filter(channel__name=channel).order_by("id")]


def accounts_heard(channel: str) -> set[str]:
    return {account for _, account, _ in heard(channel)}


def test_minimum_severity(group, channel):
    # Drift only: the public endpoint makes CIS EKS controls fail too, items of their own kind.
    channel("high-only", "--min-severity", "high", "--account", "prod-aws", *DRIFT_ONLY)
    channel("everything", "--account", "prod-aws", *DRIFT_ONLY)
    drift_everywhere(group, eks={"version": "1.30"})  # a version bump: medium in production
    assert heard("high-only") == []
    assert heard("everything") == [("drift_new", "prod-aws", "medium")]
    drift_everywhere(group, eks={"version": "1.30", "public": True, "cidrs": ("0.0.0.0/0",)})  # now critical
    assert heard("high-only") == [("drift_new", "prod-aws", "critical")]
    assert len(heard("everything")) == 2


def test_an_organization_includes_its_acquisitions(group, channel):
    channel("acme", "--org", "Acme Group", "--provider", "aws")
    channel("globex", "--org", "Globex", "--provider", "aws")
    channel("initech", "--org", "Initech")
    drift_everywhere(group)
    assert accounts_heard("acme") == {"prod-aws", "globex-aws"}
    assert accounts_heard("globex") == {"globex-aws"}
    assert accounts_heard("initech") == {"initech-aws"}


def test_a_channel_of_an_organization_hears_only_about_that_organization(group, channel):
    channel("globex-team", channel_args=("--org", "Globex"))
    drift_everywhere(group)
    assert accounts_heard("globex-team") == {"globex-aws"}


def test_providers_and_accounts(group, channel):
    channel("gcp-only", "--provider", "gcp", *DRIFT_ONLY)  # legacy ABAC fails a CIS GKE control too
    channel("aws-only", "--provider", "aws", *DRIFT_ONLY)
    channel("one-account", "--account", "initech-aws", *DRIFT_ONLY)
    drift_everywhere(group)
    assert accounts_heard("gcp-only") == {"acme-gke"}
    assert accounts_heard("aws-only") == {"prod-aws", "globex-aws", "initech-aws"}
    assert accounts_heard("one-account") == {"initech-aws"}
    [gke] = NotificationItem.objects.filter(channel__name="gcp-only")
    assert gke.severity == "critical" and gke.payload["changes"][0]["path"] == "/legacyAbac/enabled"


def test_event_kinds(group, channel):
    channel("resolutions", "--event", "drift_resolved", "--account", "prod-aws")
    channel("news", "--event", "drift_new,collection_failing", "--account", "prod-aws")
    drift_everywhere(group)
    assert heard("resolutions") == []
    assert heard("news") == [("drift_new", "prod-aws", "critical")]
    group.put("aws.eks.cluster", EKS_ARN, eks_config())
    poll("prod-aws")
    assert heard("resolutions") == [("drift_resolved", "prod-aws", "critical")]
    assert len(heard("news")) == 1


def test_disabled_rules_and_channels_hear_nothing(group, channel):
    from cspm.alerts.models import Channel, Rule

    channel("muted-rule", "--account", "prod-aws")
    channel("muted-channel", "--account", "prod-aws")
    Rule.objects.filter(channel__name="muted-rule").update(enabled=False)
    Channel.objects.filter(name="muted-channel").update(enabled=False)
    drift_everywhere(group)
    assert heard("muted-rule") == [] and heard("muted-channel") == []


def test_two_matching_rules_of_one_channel_send_the_change_once_the_urgent_way(group, channel):
    channel("ops", "--mode", "daily", "--account", "prod-aws", *DRIFT_ONLY)
    cli("alert_rule", "add", "--channel", "ops", "--mode", "immediate", "--min-severity", "critical",
        "--account", "prod-aws", *DRIFT_ONLY)
    drift_everywhere(group)
    assert len(heard("ops")) == 1
    assert list(Notification.objects.filter(channel__name="ops").values_list("mode", flat=True)) == ["immediate"]
