"""CIS Amazon EKS Benchmark v1.8.0: every control against passing and failing configs shaped as the EKS
collector stores them (DescribeCluster["cluster"] plus the listed details, volatile fields dropped)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cspm.compliance.controls import ERROR, FAIL, NOT_APPLICABLE, PASS, Verdict
from tests.unit.compliance import support
from tests.unit.compliance.support import DELETE, controls_of, mutations, vary, verdicts

BENCH = "cis_eks"
ARN = "arn:aws:eks:eu-west-1:123456789012:cluster/prod-eks"
KMS = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALL_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

# A hardened production cluster as stored: status, health, createdAt, platformVersion and the CA are volatile.
CLUSTER: dict[str, Any] = {
    "name": "prod-eks",
    "arn": ARN,
    "version": "1.30",
    "endpoint": "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
    "roleArn": "arn:aws:iam::123456789012:role/eks-cluster",
    "resourcesVpcConfig": {
        "subnetIds": ["subnet-0a1", "subnet-0b2"],
        "securityGroupIds": ["sg-0c3"],
        "clusterSecurityGroupId": "sg-0d4",
        "vpcId": "vpc-0e5",
        "endpointPublicAccess": False,
        "endpointPrivateAccess": True,
        "publicAccessCidrs": [],
    },
    "kubernetesNetworkConfig": {"serviceIpv4Cidr": "172.20.0.0/16", "ipFamily": "ipv4"},
    "logging": {"clusterLogging": [{"types": ALL_LOGS, "enabled": True}]},
    "identity": {"oidc": {"issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF"}},
    "encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": KMS}}],
    "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
    "upgradePolicy": {"supportType": "STANDARD"},
    "tags": {"team": "platform", "env": "prod"},
    "addons": ["coredns", "kube-proxy", "vpc-cni"],
    "accessEntries": ["arn:aws:iam::123456789012:role/platform-admins"],
    "identityProviderConfigs": [],
}

# What the account sees for a cluster created with the API's defaults: public endpoint open to the world,
# no control plane logs, no secrets encryption (encryptionConfig left out of the reply).
DEFAULT_CLUSTER = copy.deepcopy(CLUSTER)
DEFAULT_CLUSTER.update({
    "resourcesVpcConfig": {**CLUSTER["resourcesVpcConfig"], "endpointPublicAccess": True,
                           "endpointPrivateAccess": False, "publicAccessCidrs": ["0.0.0.0/0"]},
    "logging": {"clusterLogging": [{"types": ALL_LOGS, "enabled": False}]},
})
del DEFAULT_CLUSTER["encryptionConfig"]


def vpc(**fields: Any) -> tuple[str, dict]:
    return "/resourcesVpcConfig", {**CLUSTER["resourcesVpcConfig"], **fields}


CASES: list[tuple[str, str, dict, str, str]] = [
    # (control ref, case, config, status, path of a failure)
    # 2.1.1 audit logs
    ("2.1.1", "all five log types on", CLUSTER, PASS, ""),
    ("2.1.1", "types enabled over two entries",
     vary(CLUSTER, ("/logging/clusterLogging", [{"types": ["api", "audit", "authenticator"], "enabled": True},
                                                {"types": ["controllerManager", "scheduler"], "enabled": True}])),
     PASS, ""),
    ("2.1.1", "default: every type off", DEFAULT_CLUSTER, FAIL, "/logging/clusterLogging"),
    ("2.1.1", "audit off, the rest on",
     vary(CLUSTER, ("/logging/clusterLogging", [
         {"types": ["api", "authenticator", "controllerManager", "scheduler"], "enabled": True},
         {"types": ["audit"], "enabled": False}])), FAIL, "/logging/clusterLogging"),
    ("2.1.1", "audit on, scheduler off",
     vary(CLUSTER, ("/logging/clusterLogging", [
         {"types": ["api", "audit", "authenticator", "controllerManager"], "enabled": True},
         {"types": ["scheduler"], "enabled": False}])), FAIL, "/logging/clusterLogging"),
    ("2.1.1", "logging not collected", vary(CLUSTER, ("/logging", DELETE)), NOT_APPLICABLE, ""),
    # 5.3.1 secrets encryption with a KMS key
    ("5.3.1", "secrets with a CMK", CLUSTER, PASS, ""),
    ("5.3.1", "no encryptionConfig in the reply", DEFAULT_CLUSTER, FAIL, "/encryptionConfig"),
    ("5.3.1", "empty encryptionConfig", vary(CLUSTER, ("/encryptionConfig", [])), FAIL, "/encryptionConfig"),
    ("5.3.1", "entry without a key ARN",
     vary(CLUSTER, ("/encryptionConfig/0/provider", {})), FAIL, "/encryptionConfig"),
    ("5.3.1", "not a collected cluster", {"encryptionConfig": []}, NOT_APPLICABLE, ""),
    # 5.4.1 endpoint restricted
    ("5.4.1", "public endpoint off", CLUSTER, PASS, ""),
    ("5.4.1", "public endpoint limited to an office range",
     vary(CLUSTER, vpc(endpointPublicAccess=True, publicAccessCidrs=["203.0.113.0/24", "198.51.100.7/32"])),
     PASS, ""),
    ("5.4.1", "public endpoint open to 0.0.0.0/0 (default)", DEFAULT_CLUSTER, FAIL,
     "/resourcesVpcConfig/publicAccessCidrs/0"),
    ("5.4.1", "0.0.0.0/0 among other ranges",
     vary(CLUSTER, vpc(endpointPublicAccess=True, publicAccessCidrs=["203.0.113.0/24", "0.0.0.0/0"])),
     FAIL, "/resourcesVpcConfig/publicAccessCidrs/1"),
    ("5.4.1", "open to ::/0",
     vary(CLUSTER, vpc(endpointPublicAccess=True, publicAccessCidrs=["::/0"])),
     FAIL, "/resourcesVpcConfig/publicAccessCidrs/0"),
    ("5.4.1", "public with no CIDR list (defaults to the world)",
     vary(CLUSTER, ("/resourcesVpcConfig/endpointPublicAccess", True),
          ("/resourcesVpcConfig/publicAccessCidrs", DELETE)),
     FAIL, "/resourcesVpcConfig/endpointPublicAccess"),
    ("5.4.1", "endpoint flags not collected",
     vary(CLUSTER, ("/resourcesVpcConfig", {"subnetIds": ["subnet-0a1"]})), NOT_APPLICABLE, ""),
    # 5.4.2 private endpoint only
    ("5.4.2", "private only", CLUSTER, PASS, ""),
    ("5.4.2", "public and private, restricted CIDRs",
     vary(CLUSTER, vpc(endpointPublicAccess=True, publicAccessCidrs=["203.0.113.0/24"])),
     FAIL, "/resourcesVpcConfig/endpointPublicAccess"),
    ("5.4.2", "public only (default)", DEFAULT_CLUSTER, FAIL, "/resourcesVpcConfig/endpointPublicAccess"),
    ("5.4.2", "endpoint flags not collected",
     vary(CLUSTER, ("/resourcesVpcConfig", {"subnetIds": ["subnet-0a1"]})), NOT_APPLICABLE, ""),
]


def ours() -> dict[str, Any]:
    return controls_of(BENCH)


@pytest.mark.parametrize(("ref", "case", "config", "status", "path"), CASES,
                         ids=[f"{ref} {case}" for ref, case, *_ in CASES])
def test_control(ref, case, config, status, path):
    support.assert_verdict(ours()[ref].check(copy.deepcopy(config)), status, path)


def test_every_control_has_a_passing_and_a_failing_case():
    """A control added without tests fails here."""
    support.assert_covered(ours(), {(ref, status) for ref, _, _, status, _ in CASES})


def test_controls_are_complete_and_versioned():
    support.assert_declared(ours(), version="1.8.0", provider="aws", cli="aws eks ",
                            types={"aws.eks.cluster", "aws.eks.nodegroup"})


def test_hardened_cluster_passes_everything_and_default_cluster_fails_everything():
    hardened = verdicts("aws.eks.cluster", CLUSTER, BENCH)
    assert set(hardened) == {c.id for c in ours().values()}
    assert {v.status for v in hardened.values()} == {PASS}
    assert {v.status for v in verdicts("aws.eks.cluster", DEFAULT_CLUSTER, BENCH).values()} == {FAIL}


GARBAGE = [
    {},
    [],
    "cluster",
    {"resourcesVpcConfig": "open", "logging": [], "encryptionConfig": "secrets"},
    {"arn": ARN, "resourcesVpcConfig": {"endpointPublicAccess": "true", "endpointPrivateAccess": 1},
     "logging": {"clusterLogging": "all"}, "encryptionConfig": {"resources": "secrets"}},
    {"name": 5, "resourcesVpcConfig": None, "logging": None},
    {"arn": ARN, "resourcesVpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": "0.0.0.0/0"},
     "encryptionConfig": None, "logging": {"clusterLogging": None}},
]


@pytest.mark.parametrize("config", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_gives_no_error_and_no_pass(config):
    results = verdicts("aws.eks.cluster", config, BENCH)
    assert results
    for control_id, verdict in results.items():
        assert verdict.status not in (ERROR, PASS), (control_id, verdict)


WRONG = (None, "x", 7, 1.5, True, [], {}, [None, 3], {"x": None}, "0.0.0.0/0")


@pytest.mark.parametrize("base", [CLUSTER, DEFAULT_CLUSTER], ids=["hardened", "default"])
def test_any_field_of_any_type_never_raises(base):
    checks = list(ours().values())
    for path, wrong, config in mutations(base, WRONG):
        for item in checks:
            assert isinstance(item.check(config), Verdict), (item.ref, path, wrong)
