"""CIS Amazon EKS Benchmark v1.8.0: the controls that DescribeCluster decides.

Ids and titles as in kube-bench's cfg/eks-1.8.0. A cluster config is DescribeCluster["cluster"] as the
collector records it (collectors/aws/eks.py); DescribeCluster always returns `logging` and the endpoint
flags of `resourcesVpcConfig`, so when they are absent the cluster was not (fully) collected and the
control is not applicable. `encryptionConfig` is left out by the API when secrets encryption is off.

No control of this benchmark is decided by a managed node group's config (DescribeNodegroup): private
nodes (5.4.3) need the subnets' route tables, network policy (5.4.4) the vpc-cni add-on's configuration,
image scanning (5.1.1) ECR — none of which is collected.
"""

from __future__ import annotations

from typing import Any

from cspm.compliance.checks import get, items, open_to_world
from cspm.compliance.controls import Verdict, benchmark, control, fail, not_applicable, passed

EKS = benchmark("cis_eks", "CIS Amazon EKS Benchmark", "1.8.0", provider="aws")

CLUSTER = ("aws.eks.cluster",)
# 2.1.1's audit asks for every control plane log type to be enabled.
LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# What publicAccessCidrs may hold for every address besides a /0 range.
WORLD_ALIASES = frozenset({"*", "any"})


def _collected(config: dict) -> bool:
    """A DescribeCluster reply names its cluster; anything else is not a collected cluster."""
    return isinstance(config.get("arn"), str) or isinstance(config.get("name"), str)


def _endpoint_flags(config: dict) -> tuple[Any, Any]:
    vpc = get(config, "resourcesVpcConfig")
    return get(vpc, "endpointPublicAccess"), get(vpc, "endpointPrivateAccess")


@control(EKS, "2.1.1", "Enable audit Logs", severity="medium", types=CLUSTER,
         rationale="The control plane logs (API server, audit, authenticator, controller manager, scheduler) are "
                   "the only record of who did what to the cluster through its API; EKS ships none of them to "
                   "CloudWatch Logs unless enabled. Without them a compromise or a destructive change cannot be "
                   "investigated.",
         console="Amazon EKS > Clusters > <cluster> > Observability tab > Control plane logs > Manage logging: "
                 "turn on API server, Audit, Authenticator, Controller manager and Scheduler, then Save changes.",
         cli="aws eks update-cluster-config --region <region> --name <cluster> --logging "
             "'{\"clusterLogging\":[{\"types\":[\"api\",\"audit\",\"authenticator\",\"controllerManager\","
             "\"scheduler\"],\"enabled\":true}]}'")
def audit_logs(config: dict) -> Verdict:
    entries = get(config, "logging", "clusterLogging")
    if not isinstance(entries, list):
        return not_applicable("logging.clusterLogging not collected")
    enabled: set[str] = set()
    for entry in entries:
        if get(entry, "enabled") is True:
            enabled |= {t for t in items(get(entry, "types")) if isinstance(t, str)}
    missing = [t for t in LOG_TYPES if t not in enabled]
    if missing:
        return fail(f"control plane log types not enabled: {', '.join(missing)}", "/logging/clusterLogging")
    return passed("all control plane log types enabled", "/logging/clusterLogging")


@control(EKS, "5.3.1", "Ensure Kubernetes Secrets are encrypted using Customer Master Keys (CMKs) managed in AWS KMS",
         severity="high", types=CLUSTER,
         rationale="Envelope encryption with a customer managed KMS key protects Kubernetes Secrets in etcd with a "
                   "key the account controls, audits in CloudTrail and can revoke. Without it anyone who reads the "
                   "etcd data or its backups reads the secrets.",
         console="Amazon EKS > Clusters > <cluster> > Overview tab > Secrets encryption > Enable: choose a KMS key "
                 "(symmetric, same region) and confirm. Once enabled it cannot be turned off.",
         cli="aws eks associate-encryption-config --region <region> --cluster-name <cluster> --encryption-config "
             "'[{\"resources\":[\"secrets\"],\"provider\":{\"keyArn\":\"arn:aws:kms:<region>:<account>:key/<key-id>\"}}]'")
def secrets_encrypted(config: dict) -> Verdict:
    if not _collected(config):
        return not_applicable("cluster not collected")
    encryption = config.get("encryptionConfig")
    if encryption is None:  # the API leaves the field out when no encryption is configured
        return fail("no encryptionConfig: secrets are not encrypted with a KMS key", "/encryptionConfig")
    if not isinstance(encryption, list):
        return not_applicable("encryptionConfig not readable")
    for index, entry in enumerate(encryption):
        key = get(entry, "provider", "keyArn")
        if "secrets" in items(get(entry, "resources")) and isinstance(key, str) and key:
            return passed(f"secrets encrypted with {key}", f"/encryptionConfig/{index}/provider/keyArn")
    return fail("encryptionConfig has no entry for secrets with a KMS key", "/encryptionConfig")


@control(EKS, "5.4.1", "Restrict Access to the Control Plane Endpoint", severity="critical", types=CLUSTER,
         rationale="A public endpoint without CIDR restrictions accepts requests from the whole internet "
                   "(publicAccessCidrs defaults to 0.0.0.0/0), exposing the API server to credential stuffing "
                   "and to any vulnerability in it. Limiting the public endpoint to known ranges, or turning it off, "
                   "shrinks that surface to the networks that need it.",
         console="Amazon EKS > Clusters > <cluster> > Networking tab > Manage endpoint access: choose Private, or "
                 "Public and private and under Advanced settings list only the CIDR blocks that need the API, "
                 "then Save changes.",
         cli="aws eks update-cluster-config --region <region> --name <cluster> --resources-vpc-config "
             "endpointPrivateAccess=true,endpointPublicAccess=true,publicAccessCidrs=\"203.0.113.5/32\"")
def endpoint_restricted(config: dict) -> Verdict:
    public, _ = _endpoint_flags(config)
    if not isinstance(public, bool):
        return not_applicable("resourcesVpcConfig.endpointPublicAccess not collected")
    if not public:
        return passed("public endpoint disabled", "/resourcesVpcConfig/endpointPublicAccess")
    cidrs = get(config, "resourcesVpcConfig", "publicAccessCidrs")
    if cidrs is None or cidrs == []:  # the API's default for a public endpoint is 0.0.0.0/0
        return fail("public endpoint with no publicAccessCidrs: open to 0.0.0.0/0",
                    "/resourcesVpcConfig/endpointPublicAccess")
    if not isinstance(cidrs, list):
        return not_applicable("resourcesVpcConfig.publicAccessCidrs not readable")
    for index, cidr in enumerate(cidrs):
        if open_to_world(cidr, WORLD_ALIASES):
            return fail(f"public endpoint open to {cidr}", f"/resourcesVpcConfig/publicAccessCidrs/{index}")
    if not any(isinstance(c, str) for c in cidrs):
        return not_applicable("resourcesVpcConfig.publicAccessCidrs not readable")
    return passed(f"public endpoint limited to {', '.join(c for c in cidrs if isinstance(c, str))}",
                  "/resourcesVpcConfig/publicAccessCidrs")


@control(EKS, "5.4.2", "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled",
         severity="high", types=CLUSTER,
         rationale="With the private endpoint on and the public one off, the Kubernetes API is reachable only from "
                   "the cluster's VPC and the networks peered or connected to it, and node-to-API traffic never "
                   "leaves the VPC. An exposed endpoint is an entry point for stolen credentials and API exploits.",
         console="Amazon EKS > Clusters > <cluster> > Networking tab > Manage endpoint access: choose Private, then "
                 "Save changes.",
         cli="aws eks update-cluster-config --region <region> --name <cluster> --resources-vpc-config "
             "endpointPrivateAccess=true,endpointPublicAccess=false")
def private_endpoint(config: dict) -> Verdict:
    public, private = _endpoint_flags(config)
    if public is True:
        return fail("public endpoint access is enabled", "/resourcesVpcConfig/endpointPublicAccess")
    if not isinstance(public, bool) or not isinstance(private, bool):
        return not_applicable("resourcesVpcConfig endpoint access flags not collected")
    if not private:
        return fail("private endpoint access is disabled", "/resourcesVpcConfig/endpointPrivateAccess")
    return passed("private endpoint only", "/resourcesVpcConfig/endpointPrivateAccess")
