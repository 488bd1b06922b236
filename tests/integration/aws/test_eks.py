"""The EKS collector against moto's server over real HTTP: inventory in every region, drift of a
public endpoint, a deleted cluster, and optional details that cannot be read (gaps, not failures).

Where moto cannot say something (the detail listings it does not implement, a denied call), a real
HTTP hop in front of moto answers that one request the way AWS would; everything else is moto's.
"""

import json
import re
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

import collectors.aws.eks  # noqa: F401  (registers the collector)
from collectors.aws.eks import EksCollector
from collectors.base import CollectContext
from collectors.errors import AuthError
from collectors.registry import registry
from cspm.inventory.models import Resource, ResourceVersion
from tests.integration.helpers import cli, poll
from tests.support.aws import ACCESS, ACCOUNT

pytestmark = pytest.mark.django_db

ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-cluster"
NODE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-node"
KMS = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PRIVATE = {"subnetIds": ["subnet-0b2", "subnet-0a1"], "securityGroupIds": ["sg-0c3"],
           "endpointPublicAccess": False, "endpointPrivateAccess": True}


def cluster_arn(name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:eks:{region}:{ACCOUNT}:cluster/{name}"


@pytest.fixture(autouse=True)
def only_eks():
    """Polls run the EKS collector alone, whatever other collectors this test session imported."""
    with registry.isolated(EksCollector):
        yield


def make_cluster(moto, name: str, region: str = "us-east-1", nodegroup: str | None = None) -> str | None:
    """A cluster as a platform team would create it; returns the node group's ARN if one is made."""
    eks = moto.client("eks", region)
    eks.create_cluster(
        name=name, version="1.30", roleArn=ROLE, resourcesVpcConfig=PRIVATE,
        logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]},
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": KMS}}],
        tags={"team": "platform", "env": "prod"})
    if nodegroup:
        return eks.create_nodegroup(
            clusterName=name, nodegroupName=nodegroup, nodeRole=NODE_ROLE, subnets=PRIVATE["subnetIds"],
            instanceTypes=["m6i.large"], scalingConfig={"minSize": 2, "maxSize": 6, "desiredSize": 3},
            tags={"team": "platform"})["nodegroup"]["nodegroupArn"]
    return None


def collect(url: str, regions=("us-east-1",)) -> dict:
    context = CollectContext(provider="aws", account_id=ACCOUNT, credentials={"kind": "aws_keys", **ACCESS},
                             regions=regions, endpoint=url, timeout=10)
    return {r.native_id: r for r in EksCollector(context).collect()}


# -- a real HTTP hop in front of moto ------------------------------------------------------------

class AwsHop(ThreadingHTTPServer):
    """Passes every request through to moto, except those a test scripts: a script is
    (method, path regex, region or None, fn(query, forward) -> (status, headers, body))."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Hop)
        self.upstream = upstream
        self.url = f"http://127.0.0.1:{self.server_port}"
        self.scripts: list[tuple] = []
        self.seen: list[tuple[str, str, str]] = []  # (method, path, region)

    def script(self, method: str, path: str, fn, region: str | None = None) -> None:
        self.scripts.append((method, re.compile(path + "$"), region, fn))

    def deny(self, method: str, path: str, region: str | None = None) -> None:
        self.script(method, path, lambda *_: error(403, "AccessDeniedException", "User is not authorized"), region)


def reply(status: int, data: dict) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


def error(status: int, code: str, message: str) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, \
        json.dumps({"message": message}).encode()


class _Hop(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:
        pass

    def _any(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        scope = re.search(r"/\d{8}/([a-z0-9-]+)/", self.headers.get("Authorization", ""))
        region = scope.group(1) if scope else ""
        self.server.seen.append((self.command, url.path, region))

        def forward():
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            request = urllib.request.Request(self.server.upstream + self.path, data=body or None,
                                             method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    return answer.status, dict(answer.headers), answer.read()
            except urllib.error.HTTPError as answer:
                return answer.code, dict(answer.headers), answer.read()

        for method, path, only_region, fn in self.server.scripts:
            if method == self.command and path.match(url.path) and only_region in (None, region):
                status, headers, payload = fn(parse_qs(url.query), forward)
                break
        else:
            status, headers, payload = forward()
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _any


@pytest.fixture
def hop(moto):
    server = AwsHop(moto.url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


# -- through the product: poll, approve, drift --------------------------------------------------

def test_poll_inventories_clusters_and_node_groups_in_every_configured_region(moto, aws_account):
    nodegroup_arn = make_cluster(moto, "prod-eks", nodegroup="workers")
    make_cluster(moto, "eu-eks", region="eu-west-1")
    make_cluster(moto, "sydney-eks", region="ap-southeast-2")  # not one of the account's regions

    first = poll("moto-aws")
    assert first["status"] == "ok"
    assert first["counts"] == {"added": 3, "changed": 0, "removed": 0, "unchanged": 0}
    eks = first["collectors"]["aws.eks"]
    assert eks["status"] == "ok" and eks["resources"] == 3
    # moto implements none of the three detail listings: 3 gaps per cluster, and still a good poll.
    assert eks["gaps"] == 6
    assert any("list_access_entries" in g for g in eks["gap_examples"])

    rows = {r.native_id: r for r in Resource.objects.all()}
    assert {(r.type, r.region, r.name) for r in rows.values()} == {
        ("aws.eks.cluster", "us-east-1", "prod-eks"),
        ("aws.eks.cluster", "eu-west-1", "eu-eks"),
        ("aws.eks.nodegroup", "us-east-1", "prod-eks/workers"),
    }
    assert set(rows) == {cluster_arn("prod-eks"), cluster_arn("eu-eks", "eu-west-1"), nodegroup_arn}
    prod = rows[cluster_arn("prod-eks")]
    assert prod.tags == {"team": "platform", "env": "prod"}
    config = prod.current_version.config
    assert config["resourcesVpcConfig"] == {**PRIVATE, "subnetIds": ["subnet-0a1", "subnet-0b2"]}
    assert config["encryptionConfig"] == [{"resources": ["secrets"], "provider": {"keyArn": KMS}}]
    assert config["version"] == "1.30" and config["roleArn"] == ROLE
    assert not {"status", "createdAt", "certificateAuthority", "platformVersion"} & set(config)
    workers = rows[nodegroup_arn].current_version.config
    assert workers["scalingConfig"] == {"minSize": 2, "maxSize": 6}  # desiredSize moves with the autoscaler
    assert workers["instanceTypes"] == ["m6i.large"] and workers["nodeRole"] == NODE_ROLE

    versions = ResourceVersion.objects.count()
    second = poll("moto-aws")
    assert second["status"] == "ok"
    assert second["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 3}
    assert ResourceVersion.objects.count() == versions


def test_public_endpoint_open_to_the_world_is_one_critical_finding(moto, aws_account):
    make_cluster(moto, "prod-eks", nodegroup="workers")
    poll("moto-aws")
    cli("baseline", "approve", "moto-aws")
    assert cli("drift", "moto-aws") == []

    eks = moto.client("eks")
    # AWS merges the fields sent; moto replaces the whole block, so send it whole.
    eks.update_cluster_config(name="prod-eks", resourcesVpcConfig={
        **PRIVATE, "endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})
    result = poll("moto-aws")
    assert result["counts"] == {"added": 0, "changed": 1, "removed": 0, "unchanged": 1}
    assert result["findings"]["opened"] == 1

    [finding] = cli("drift", "moto-aws")
    assert finding["resource_id"] == cluster_arn("prod-eks") and finding["resource_type"] == "aws.eks.cluster"
    assert finding["kind"] == "modified" and finding["region"] == "us-east-1"
    assert finding["severity"] == "critical" and finding["environment"] == "prod"
    changes = {c["path"]: c for c in finding["changes"]}
    assert set(changes) == {"/resourcesVpcConfig/endpointPublicAccess", "/resourcesVpcConfig/publicAccessCidrs"}
    public = changes["/resourcesVpcConfig/endpointPublicAccess"]
    assert (public["op"], public["before"], public["after"]) == ("replace", False, True)
    cidrs = changes["/resourcesVpcConfig/publicAccessCidrs"]
    assert (cidrs["op"], cidrs["after"]) == ("add", ["0.0.0.0/0"])
    assert "update-cluster-config" in finding["remediation"]

    # Made private again: the finding resolves by itself.
    eks.update_cluster_config(name="prod-eks", resourcesVpcConfig=PRIVATE)
    assert poll("moto-aws")["findings"]["resolved"] == 1
    assert cli("drift", "moto-aws") == []


def test_deleted_cluster_is_a_removed_finding_and_nothing_else_moves(moto, aws_account):
    make_cluster(moto, "prod-eks", nodegroup="workers")
    make_cluster(moto, "scratch-eks", region="eu-west-1")
    poll("moto-aws")
    cli("baseline", "approve", "moto-aws")

    moto.client("eks", "eu-west-1").delete_cluster(name="scratch-eks")
    result = poll("moto-aws")
    assert result["status"] == "ok"
    assert result["counts"] == {"added": 0, "changed": 0, "removed": 1, "unchanged": 2}
    [finding] = cli("drift", "moto-aws")
    assert finding["kind"] == "removed"
    assert finding["resource_id"] == cluster_arn("scratch-eks", "eu-west-1")
    # aws-eks-cluster-deleted (medium, above the default "low" of a removal), one level up in prod.
    assert finding["severity"] == "high"
    assert finding["reasons"] == ["EKS cluster deleted"] and "DeleteCluster" in finding["remediation"]
    assert Resource.objects.get(native_id=cluster_arn("scratch-eks", "eu-west-1")).removed_at is not None


def test_a_failing_listing_fails_the_collector_and_removes_nothing(moto, hop, tmp_path):
    creds = tmp_path / "aws.json"
    creds.write_text(json.dumps(ACCESS))
    cli("onboard", "--provider", "aws", "--account-id", ACCOUNT, "--name", "hopped", "--org", "Acme Group",
        "--credentials", str(creds), "--endpoint", hop.url, "--regions", "us-east-1,eu-west-1")
    make_cluster(moto, "prod-eks")
    make_cluster(moto, "eu-eks", region="eu-west-1")
    assert poll("hopped")["counts"]["added"] == 2
    cli("baseline", "approve", "hopped")

    # ListClusters is denied in one region while a cluster in the other turns public.
    hop.deny("GET", "/clusters", region="eu-west-1")
    moto.client("eks").update_cluster_config(name="prod-eks",
                                             resourcesVpcConfig={**PRIVATE, "endpointPublicAccess": True})
    result = poll("hopped")
    assert result["status"] == "failed"  # EKS is the only collector here; beside others: "partial"
    eks = result["collectors"]["aws.eks"]
    assert eks["status"] == "failed" and eks["error_kind"] == "auth"
    assert "list_clusters" in eks["error"] and "not authorized" in eks["error"]
    # The whole collector's output is set aside: nothing removed, nothing judged.
    assert result["counts"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    assert Resource.objects.filter(removed_at__isnull=True).count() == 2
    assert cli("drift", "hopped") == []

    hop.scripts.clear()
    healed = poll("hopped")
    assert healed["status"] == "ok" and healed["counts"]["changed"] == 1
    [finding] = cli("drift", "hopped")
    assert finding["resource_id"] == cluster_arn("prod-eks")


# -- the collector itself ----------------------------------------------------------------------

def test_moto_404_on_optional_details_records_gaps_and_does_not_fail(moto):
    nodegroup_arn = make_cluster(moto, "prod-eks", nodegroup="workers")
    records = collect(moto.url)
    assert set(records) == {cluster_arn("prod-eks"), nodegroup_arn}
    cluster = records[cluster_arn("prod-eks")]
    assert cluster.gaps == {"addons": "404: list_addons", "accessEntries": "404: list_access_entries",
                            "identityProviderConfigs": "404: list_identity_provider_configs"}
    # Unknown is not empty: the fields are left out, so they keep their last known value.
    assert not {"addons", "accessEntries", "identityProviderConfigs"} & set(cluster.config)
    # Otherwise the config is boto3's DescribeCluster reply, exactly.
    assert cluster.config == moto.client("eks").describe_cluster(name="prod-eks")["cluster"]
    nodegroup = records[nodegroup_arn]
    assert nodegroup.gaps == {}
    assert nodegroup.config == moto.client("eks").describe_nodegroup(
        clusterName="prod-eks", nodegroupName="workers")["nodegroup"]
    for record in records.values():
        record.check()


def test_readable_details_are_paged_and_sorted_and_a_denied_one_is_a_gap(moto, hop):
    make_cluster(moto, "prod-eks")
    pages = {None: {"addons": ["vpc-cni", "coredns"], "nextToken": "p2"}, "p2": {"addons": ["kube-proxy"]}}
    hop.script("GET", "/clusters/prod-eks/addons",
               lambda query, _: reply(200, pages[query.get("nextToken", [None])[0]]))
    hop.deny("GET", "/clusters/prod-eks/access-entries")
    hop.script("GET", "/clusters/prod-eks/identity-provider-configs", lambda *_: reply(200, {
        "identityProviderConfigs": [{"type": "oidc", "name": "okta"}, {"type": "oidc", "name": "azure-ad"}]}))

    [cluster] = collect(hop.url).values()
    assert cluster.config["addons"] == ["coredns", "kube-proxy", "vpc-cni"]
    assert cluster.config["identityProviderConfigs"] == [{"type": "oidc", "name": "azure-ad"},
                                                         {"type": "oidc", "name": "okta"}]
    assert "accessEntries" not in cluster.config
    assert cluster.gaps == {"accessEntries": "AccessDeniedException: list_access_entries"}


def test_config_map_clusters_have_no_access_entries_to_list(moto, hop):
    make_cluster(moto, "legacy-eks")

    def config_map_mode(_, forward):
        status, headers, body = forward()
        data = json.loads(body)
        data["cluster"]["accessConfig"] = {"authenticationMode": "CONFIG_MAP"}
        return status, headers, json.dumps(data).encode()

    hop.script("GET", "/clusters/legacy-eks", config_map_mode)
    [cluster] = collect(hop.url).values()
    assert cluster.config["accessConfig"] == {"authenticationMode": "CONFIG_MAP"}
    assert cluster.config["accessEntries"] == []
    assert "accessEntries" not in cluster.gaps
    assert not any(path.endswith("/access-entries") for _, path, _ in hop.seen)


def test_a_failed_describe_fails_the_collector(moto, hop):
    make_cluster(moto, "prod-eks")
    make_cluster(moto, "secret-eks")
    hop.deny("GET", "/clusters/secret-eks")
    with pytest.raises(AuthError, match="eks:describe_cluster"):
        collect(hop.url)


def test_a_cluster_deleted_during_the_poll_is_simply_gone(moto, hop):
    make_cluster(moto, "prod-eks")
    make_cluster(moto, "doomed-eks")
    hop.script("GET", "/clusters/doomed-eks", lambda *_: error(
        404, "ResourceNotFoundException", "No cluster found for name: doomed-eks."))
    assert set(collect(hop.url)) == {cluster_arn("prod-eks")}
