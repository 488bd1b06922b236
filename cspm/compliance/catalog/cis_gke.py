"""CIS Google Kubernetes Engine (GKE) Benchmark v1.9.0: the controls of section 5 (managed services)
that the GKE API decides.

Ids and titles as in kube-bench's cfg/gke-1.9.0/managedservices.yaml, whose audits read the same fields.
A config is container.projects.locations.clusters.get as the collector records it (collectors/gcp/gke.py):
the SDK's Cluster rendered by MessageToDict, node pools under "nodePools". That rendering is proto3 JSON:
a field at its default is left out, so a missing flag is false, a missing string or enum is empty or
unspecified, and a missing message is unset — absence has a meaning here, and a check reads it so. A value
of the wrong type (or null) is not a setting at all: such a control is not applicable, never a pass.

Left out: 5.1.1-5.1.3 (Container Analysis and registry IAM), 5.6.6 (firewall rules), 5.6.7 and 5.7.2
(Kubernetes objects), 5.9.1 (persistent disks), 5.10.3 (a "consider"): none is in the cluster's config.
Network policy and basic authentication have no id in v1.9.0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cspm.compliance.checks import WORLD, boolean_setting, entries, items, pointer
from cspm.compliance.controls import Verdict, benchmark, control, fail, not_applicable, passed

GKE = benchmark("cis_gke", "CIS Google Kubernetes Engine (GKE) Benchmark", "1.9.0", provider="gcp")

CLUSTER = ("gcp.gke.cluster",)

# A step of a path is not an object, or the value is null: the setting cannot be read.
_UNKNOWN: Any = object()
_NOT_A_CLUSTER = "not a collected GKE cluster (no name)"

RELEASE_CHANNELS = frozenset({"RAPID", "REGULAR", "STABLE", "EXTENDED"})
# v1 knows PROJECT_SINGLETON_POLICY_ENFORCE; v1beta1 adds a mode that enforces it with CV policies.
BINAUTHZ_ENFORCING = frozenset({"PROJECT_SINGLETON_POLICY_ENFORCE",
                                "POLICY_BINDINGS_AND_PROJECT_SINGLETON_POLICY_ENFORCE"})
SECRETS_ENCRYPTED = frozenset({"ENCRYPTED", "ALL_OBJECTS_ENCRYPTION_ENABLED"})
DEFAULT_COMPUTE_SA = "-compute@developer.gserviceaccount.com"


# -- proto3 JSON readers ------------------------------------------------------------------------------

def _is_cluster(config: Any) -> bool:
    return isinstance(config, dict) and isinstance(config.get("name"), str) and bool(config["name"])


def _read(value: Any, *keys: str) -> Any:
    """The field at keys: None when a key is missing (the field holds its proto3 default), _UNKNOWN when
    a step is not an object or the value is null."""
    for key in keys:
        if not isinstance(value, dict):
            return _UNKNOWN
        if key not in value:
            return None
        value = value[key]
    return _UNKNOWN if value is None else value


def _flag(value: Any, *keys: str) -> bool | None:
    """A proto3 bool: missing is False; None when it cannot be read."""
    found = _read(value, *keys)
    if found is None:
        return False
    return found if isinstance(found, bool) else None


def _text(value: Any, *keys: str) -> str | None:
    """A proto3 string or enum name: missing is ""; None when it cannot be read."""
    found = _read(value, *keys)
    if found is None:
        return ""
    return found if isinstance(found, str) else None


def _unreadable(*keys: str) -> Verdict:
    return not_applicable(f"{'.'.join(keys)} not readable")


def _cluster_flag(config: Any, keys: tuple[str, ...], *, ok: str, bad: str, want: bool = True) -> Verdict:
    """Pass when the flag at keys is `want` (a missing flag is false), fail when it is not."""
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    return boolean_setting(_flag(config, *keys), pointer(*keys), ok=ok, bad=bad, want=want,
                           unreadable=f"{'.'.join(keys)} not readable")


# A node pool judge gets the pool's field (None when missing) and says True (good), a description of
# what is wrong, or None (cannot tell).
Judge = Callable[[Any], "bool | str | None"]


def _each_pool(config: Any, keys: tuple[str, ...], judge: Judge, good: str) -> Verdict:
    """Every node pool's field at keys through judge: fail naming each bad pool (the path is the first
    one's), not applicable when there is no pool or a pool cannot be read, pass otherwise."""
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    pools = config.get("nodePools")
    slots = [] if pools is None else entries(pools)  # a list, or keyed by name in the diff view
    if slots is None:
        return _unreadable("nodePools")
    if not slots:
        return not_applicable("no node pools")
    bad: list[tuple[str, str, str]] = []
    unknown: list[str] = []
    for slot, pool in slots:
        name = pool.get("name") if isinstance(pool, dict) and isinstance(pool.get("name"), str) else str(slot)
        value = _read(pool, *keys)
        verdict = None if value is _UNKNOWN else judge(value)
        if isinstance(verdict, str):
            bad.append((name, pointer("nodePools", slot, *keys), verdict))
        elif verdict is not True:
            unknown.append(name)
    if bad:
        return fail("; ".join(f"node pool {name}: {what}" for name, _, what in bad), bad[0][1])
    if unknown:
        return not_applicable(f"{'.'.join(keys)} not readable on node pool(s) {', '.join(unknown)}")
    return passed(good, "/nodePools")


def _pool_flag(off: str) -> Judge:
    def judge(value: Any) -> bool | str | None:
        if value is None or value is False:
            return off
        return True if value is True else None
    return judge


# -- 5.1 Image registry and image scanning --------------------------------------------------------------

@control(GKE, "5.1.4", "Ensure only trusted container images are used", severity="medium", types=CLUSTER,
         rationale="Binary Authorization admits only images that satisfy the project's policy (signed by trusted "
                   "attestors, built by the trusted pipeline), so a stolen credential or a typo cannot run an "
                   "arbitrary image from a public registry. Without enforcement any pullable image runs.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Security > Binary authorization > Edit: "
                 "check Enable Binary Authorization, choose Enforce (project singleton policy), Save changes; then "
                 "Security > Binary Authorization > Edit policy to define the allowed images.",
         cli="gcloud container clusters update <cluster> --location <location> --project <project> "
             "--binauthz-evaluation-mode=PROJECT_SINGLETON_POLICY_ENFORCE")
def binary_authorization(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    mode, enabled = _text(config, "binaryAuthorization", "evaluationMode"), _flag(config, "binaryAuthorization",
                                                                                  "enabled")
    if mode is None or enabled is None:
        return _unreadable("binaryAuthorization")
    if mode in BINAUTHZ_ENFORCING:
        return passed(f"evaluationMode {mode}", "/binaryAuthorization/evaluationMode")
    if mode in ("", "EVALUATION_MODE_UNSPECIFIED") and enabled:  # the deprecated flag, same meaning
        return passed("binaryAuthorization.enabled (project singleton policy)", "/binaryAuthorization/enabled")
    return fail(f"Binary Authorization not enforced: evaluationMode is {mode or 'not set'}",
                "/binaryAuthorization/evaluationMode")


# -- 5.2 Identity and access management -----------------------------------------------------------------

def _node_account(value: Any) -> bool | str | None:
    if value is None or value in ("", "default"):
        return "nodes run as the Compute Engine default service account (serviceAccount not set)"
    if not isinstance(value, str):
        return None
    if value.endswith(DEFAULT_COMPUTE_SA):
        return f"nodes run as the Compute Engine default service account {value}"
    return True


@control(GKE, "5.2.1", "Ensure GKE clusters are not running using the Compute Engine default service account",
         severity="high", types=CLUSTER,
         rationale="The Compute Engine default service account holds the Editor role on the project, so any pod "
                   "that reaches the node's credentials can change almost everything in it. A dedicated node "
                   "service account with only logging and monitoring roles limits what a compromised node can do.",
         console="IAM & Admin > Service accounts > Create service account (grant Logs Writer, Monitoring Metric "
                 "Writer, Monitoring Viewer); then Kubernetes Engine > Clusters > <cluster> > Nodes > Add node "
                 "pool > Security > Service account: the new account; migrate workloads and delete the old pool.",
         cli="gcloud container node-pools create <pool> --cluster <cluster> --location <location> "
             "--service-account=<sa-name>@<project>.iam.gserviceaccount.com (then drain and delete the old pool "
             "with gcloud container node-pools delete <old-pool> --cluster <cluster> --location <location>)")
def node_service_account(config: dict) -> Verdict:
    return _each_pool(config, ("config", "serviceAccount"), _node_account,
                      "every node pool runs as a dedicated service account")


@control(GKE, "5.2.2", "Prefer using dedicated GCP Service Accounts and Workload Identity", severity="high",
         types=CLUSTER,
         rationale="Workload Identity gives each Kubernetes service account its own Google identity, so pods no "
                   "longer share the node's service account and its token. Without it every pod can act with the "
                   "node's permissions.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Security > Workload Identity > Edit: check "
                 "Enable Workload Identity (pool <project>.svc.id.goog), Save changes; then set each node pool's "
                 "Security > Enable GKE Metadata Server.",
         cli="gcloud container clusters update <cluster> --location <location> --workload-pool=<project>.svc.id.goog")
def workload_identity(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    pool = _text(config, "workloadIdentityConfig", "workloadPool")
    if pool is None:
        return _unreadable("workloadIdentityConfig", "workloadPool")
    if not pool:
        return fail("Workload Identity disabled: no workloadPool", "/workloadIdentityConfig/workloadPool")
    return passed(f"workload pool {pool}", "/workloadIdentityConfig/workloadPool")


# -- 5.3 Cloud KMS ----------------------------------------------------------------------------------------

@control(GKE, "5.3.1", "Ensure Kubernetes Secrets are encrypted using keys managed in Cloud KMS", severity="medium",
         types=CLUSTER,
         rationale="Application-layer secrets encryption wraps the etcd encryption of Kubernetes Secrets with a "
                   "Cloud KMS key the organization controls, audits and can revoke. Without it Secrets are only "
                   "protected by Google's default encryption at rest.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Security > Application-layer secrets "
                 "encryption > Edit: check Encrypt secrets at the application layer, select the Cloud KMS key, "
                 "Save changes (the GKE service agent needs Cloud KMS CryptoKey Encrypter/Decrypter on it).",
         cli="gcloud container clusters update <cluster> --location <location> --database-encryption-key "
             "projects/<key-project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>")
def secrets_encrypted(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    state, key = _text(config, "databaseEncryption", "state"), _text(config, "databaseEncryption", "keyName")
    if state is None or key is None:
        return _unreadable("databaseEncryption")
    if state not in SECRETS_ENCRYPTED:
        return fail(f"application-layer secrets encryption off: databaseEncryption.state is {state or 'not set'}",
                    "/databaseEncryption/state")
    if not key:
        return fail(f"databaseEncryption.state is {state} but no keyName", "/databaseEncryption/keyName")
    return passed(f"secrets encrypted with {key}", "/databaseEncryption/keyName")


# -- 5.4 Node metadata ------------------------------------------------------------------------------------

def _metadata_server(value: Any) -> bool | str | None:
    if value is None or value in ("", "MODE_UNSPECIFIED"):
        return "GKE Metadata Server off (workloadMetadataConfig.mode not set): pods reach the node's metadata"
    if not isinstance(value, str):
        return None
    return True if value == "GKE_METADATA" else f"workloadMetadataConfig.mode is {value}"


@control(GKE, "5.4.1", "Ensure the GKE Metadata Server is Enabled", severity="high", types=CLUSTER,
         rationale="Without the GKE Metadata Server pods read the Compute Engine metadata of their node, "
                   "including the node service account's token and the kubelet's bootstrap credentials. The GKE "
                   "Metadata Server hides them and serves each pod its own Workload Identity instead.",
         console="Kubernetes Engine > Clusters > <cluster> > Nodes > <pool> > Edit > Security: check Enable GKE "
                 "Metadata Server, Save (Workload Identity must be enabled on the cluster first).",
         cli="gcloud container node-pools update <pool> --cluster <cluster> --location <location> "
             "--workload-metadata=GKE_METADATA")
def metadata_server(config: dict) -> Verdict:
    return _each_pool(config, ("config", "workloadMetadataConfig", "mode"), _metadata_server,
                      "every node pool uses the GKE Metadata Server")


# -- 5.5 Node configuration and maintenance ---------------------------------------------------------------

def _cos_containerd(value: Any) -> bool | str | None:
    if not isinstance(value, str) or not value:  # GKE always reports the image type it runs
        return None
    return True if value.upper() == "COS_CONTAINERD" else f"imageType is {value}"


@control(GKE, "5.5.1", "Ensure Container-Optimized OS (cos_containerd) is used for GKE node images",
         severity="low", types=CLUSTER,
         rationale="Container-Optimized OS is a minimal, locked-down image with a read-only root file system, "
                   "verified boot and automatic security updates, maintained by Google for running containers. "
                   "General-purpose images carry more packages and more attack surface.",
         console="Kubernetes Engine > Clusters > <cluster> > Nodes > <pool> > Edit > Image type > Change: choose "
                 "Container-Optimized OS with containerd (cos_containerd), Change.",
         cli="gcloud container clusters upgrade <cluster> --location <location> --node-pool <pool> "
             "--image-type cos_containerd")
def cos_containerd(config: dict) -> Verdict:
    return _each_pool(config, ("config", "imageType"), _cos_containerd,
                      "every node pool runs Container-Optimized OS with containerd")


@control(GKE, "5.5.2", "Ensure Node Auto-Repair is enabled for GKE nodes", severity="low", types=CLUSTER,
         rationale="Auto-repair recreates nodes that fail their health checks, so a node left broken (or "
                   "tampered with until it fails) does not stay in the cluster. Without it an unhealthy node keeps "
                   "running workloads until someone notices.",
         console="Kubernetes Engine > Clusters > <cluster> > Nodes > <pool> > Edit > Management: check Enable "
                 "auto-repair, Save.",
         cli="gcloud container node-pools update <pool> --cluster <cluster> --location <location> --enable-autorepair")
def auto_repair(config: dict) -> Verdict:
    return _each_pool(config, ("management", "autoRepair"), _pool_flag("auto-repair off"),
                      "auto-repair on in every node pool")


@control(GKE, "5.5.3", "Ensure Node Auto-Upgrade is enabled for GKE nodes", severity="low", types=CLUSTER,
         rationale="Auto-upgrade keeps the nodes' Kubernetes version and OS image in step with the control plane "
                   "and brings security patches without manual work. Pools without it drift behind and keep known "
                   "vulnerabilities.",
         console="Kubernetes Engine > Clusters > <cluster> > Nodes > <pool> > Edit > Management: check Enable "
                 "auto-upgrade, Save.",
         cli="gcloud container node-pools update <pool> --cluster <cluster> --location <location> "
             "--enable-autoupgrade")
def auto_upgrade(config: dict) -> Verdict:
    return _each_pool(config, ("management", "autoUpgrade"), _pool_flag("auto-upgrade off"),
                      "auto-upgrade on in every node pool")


@control(GKE, "5.5.4", "When creating New Clusters - Automate GKE version management using Release Channels",
         severity="low", types=CLUSTER,
         rationale="A release channel has Google upgrade the control plane and nodes to tested versions with "
                   "their security fixes. A cluster outside every channel is upgraded only by hand and only to the "
                   "minimum, so it lags behind on patches.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Cluster basics > Release channel > Edit: "
                 "choose Regular or Stable, Save changes.",
         cli="gcloud container clusters update <cluster> --location <location> --release-channel regular")
def release_channel(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    channel = _text(config, "releaseChannel", "channel")
    if channel is None:
        return _unreadable("releaseChannel", "channel")
    if channel in RELEASE_CHANNELS:
        return passed(f"release channel {channel}", "/releaseChannel/channel")
    return fail(f"no release channel: releaseChannel.channel is {channel or 'not set'}", "/releaseChannel/channel")


@control(GKE, "5.5.5", "Ensure Shielded GKE Nodes are Enabled", severity="medium", types=CLUSTER,
         rationale="Shielded GKE Nodes give each node a verifiable identity (vTPM) and integrity, so an attacker "
                   "who steals a node's bootstrap credentials cannot impersonate a node and join the cluster. "
                   "Without them a rogue node can register and receive workloads and secrets.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Security > Shielded GKE nodes > Edit: check "
                 "Enable Shielded GKE nodes, Save changes.",
         cli="gcloud container clusters update <cluster> --location <location> --enable-shielded-nodes")
def shielded_nodes(config: dict) -> Verdict:
    return _cluster_flag(config, ("shieldedNodes", "enabled"), ok="Shielded GKE Nodes enabled",
                         bad="Shielded GKE Nodes disabled")


@control(GKE, "5.5.6", "Ensure Integrity Monitoring for Shielded GKE Nodes is Enabled", severity="medium",
         types=CLUSTER,
         rationale="Integrity monitoring compares each node's measured boot against a known-good baseline and "
                   "reports a change in Cloud Monitoring. Without it a boot-level rootkit on a node goes unnoticed.",
         console="Kubernetes Engine > Clusters > <cluster> > Nodes > Add node pool > Security > Shielded options: "
                 "check Enable integrity monitoring, Create; migrate workloads and delete the old pool.",
         cli="gcloud container node-pools create <pool> --cluster <cluster> --location <location> "
             "--shielded-integrity-monitoring")
def integrity_monitoring(config: dict) -> Verdict:
    return _each_pool(config, ("config", "shieldedInstanceConfig", "enableIntegrityMonitoring"),
                      _pool_flag("integrity monitoring off"), "integrity monitoring on in every node pool")


@control(GKE, "5.5.7", "Ensure Secure Boot for Shielded GKE Nodes is Enabled", severity="medium", types=CLUSTER,
         rationale="Secure Boot lets a node boot only components signed by trusted keys, so a boot loader or "
                   "kernel rootkit cannot load. Without it malware can persist below the operating system.",
         console="Kubernetes Engine > Clusters > <cluster> > Nodes > Add node pool > Security > Shielded options: "
                 "check Enable secure boot, Create; migrate workloads and delete the old pool.",
         cli="gcloud container node-pools create <pool> --cluster <cluster> --location <location> "
             "--shielded-secure-boot")
def secure_boot(config: dict) -> Verdict:
    return _each_pool(config, ("config", "shieldedInstanceConfig", "enableSecureBoot"),
                      _pool_flag("secure boot off"), "secure boot on in every node pool")


# -- 5.6 Cluster networking -------------------------------------------------------------------------------

@control(GKE, "5.6.1", "Enable VPC Flow Logs and Intranode Visibility", severity="low", types=CLUSTER,
         rationale="Intranode visibility routes pod-to-pod traffic on the same node through the VPC, where flow "
                   "logs and firewall rules see it. Without it traffic between pods of one node is invisible to "
                   "network monitoring. (VPC Flow Logs are a subnetwork setting, which is not collected: only "
                   "intranode visibility is judged here, as kube-bench's audit does.)",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Networking > Intranode visibility > Edit: "
                 "check Enable intranode visibility, Save changes; then VPC network > Subnets > <subnet> > Edit > "
                 "Flow logs: On.",
         cli="gcloud container clusters update <cluster> --location <location> --enable-intra-node-visibility; "
             "gcloud compute networks subnets update <subnet> --region <region> --enable-flow-logs")
def intranode_visibility(config: dict) -> Verdict:
    return _cluster_flag(config, ("networkConfig", "enableIntraNodeVisibility"), ok="intranode visibility enabled",
                         bad="intranode visibility disabled")


@control(GKE, "5.6.2", "Ensure use of VPC-native clusters", severity="medium", types=CLUSTER,
         rationale="VPC-native (alias IP) clusters give pods addresses of the VPC itself, so anti-spoofing checks, "
                   "firewall rules and private access apply to pod traffic; they are also required for private "
                   "clusters. Routes-based clusters bypass those checks.",
         console="Kubernetes Engine > Clusters > Create > Networking: check Enable VPC-native traffic routing "
                 "(uses alias IP); an existing routes-based cluster must be recreated, then its workloads moved.",
         cli="gcloud container clusters create <cluster> --location <location> --enable-ip-alias")
def vpc_native(config: dict) -> Verdict:
    return _cluster_flag(config, ("ipAllocationPolicy", "useIpAliases"), ok="VPC-native (alias IP) cluster",
                         bad="routes-based cluster: ipAllocationPolicy.useIpAliases is off")


@control(GKE, "5.6.3", "Ensure Control Plane Authorized Networks is Enabled", severity="high", types=CLUSTER,
         rationale="Authorized networks limit which source addresses may reach the control plane endpoint, so a "
                   "leaked credential or an API server vulnerability cannot be used from anywhere on the internet. "
                   "An authorized network of 0.0.0.0/0 is the same as none.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Networking > Control plane authorized "
                 "networks > Edit: check Enable control plane authorized networks, add only the CIDR ranges that "
                 "need the API (never 0.0.0.0/0), Save changes.",
         cli="gcloud container clusters update <cluster> --location <location> --enable-master-authorized-networks "
             "--master-authorized-networks 203.0.113.0/24")
def authorized_networks(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    enabled = _flag(config, "masterAuthorizedNetworksConfig", "enabled")
    blocks = _read(config, "masterAuthorizedNetworksConfig", "cidrBlocks")
    if enabled is None:
        return _unreadable("masterAuthorizedNetworksConfig", "enabled")
    if not enabled:
        return fail("control plane authorized networks disabled", "/masterAuthorizedNetworksConfig/enabled")
    if blocks is not None and not isinstance(blocks, list | dict):
        return _unreadable("masterAuthorizedNetworksConfig", "cidrBlocks")
    cidrs = [b.get("cidrBlock") for b in items(blocks) if isinstance(b, dict)]
    world = sorted({c.strip() for c in cidrs if isinstance(c, str)} & WORLD)
    if world:
        return fail(f"authorized networks include {', '.join(world)}", "/masterAuthorizedNetworksConfig/cidrBlocks")
    return passed(f"authorized networks enabled ({len(cidrs)} CIDR block(s))", "/masterAuthorizedNetworksConfig")


@control(GKE, "5.6.4", "Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled",
         severity="high", types=CLUSTER,
         rationale="With the private endpoint only, the control plane has no public IP address and is reachable "
                   "only from the VPC and connected networks. A public endpoint exposes the API server to the "
                   "internet, limited at best by authorized networks.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Networking > Control plane access: clear "
                 "Access control plane using its external IP address (private clusters), Save changes.",
         cli="gcloud container clusters update <cluster> --location <location> --enable-private-endpoint")
def private_endpoint(config: dict) -> Verdict:
    return _cluster_flag(config, ("privateClusterConfig", "enablePrivateEndpoint"), ok="private endpoint only",
                         bad="control plane endpoint is public: privateClusterConfig.enablePrivateEndpoint is off")


@control(GKE, "5.6.5", "Ensure clusters are created with Private Nodes", severity="medium", types=CLUSTER,
         rationale="Private nodes have only internal IP addresses, so the kubelet and node ports cannot be reached "
                   "from the internet and nodes egress through Cloud NAT. Public nodes are each an internet-facing "
                   "host.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Networking > Default private nodes > Edit: "
                 "check Enable private nodes, Save changes (or choose Private cluster when creating it).",
         cli="gcloud container clusters update <cluster> --location <location> --enable-private-nodes")
def private_nodes(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    private = _flag(config, "privateClusterConfig", "enablePrivateNodes")
    default = _flag(config, "networkConfig", "defaultEnablePrivateNodes")
    if private:
        return passed("private nodes", "/privateClusterConfig/enablePrivateNodes")
    if default:
        return passed("private nodes by default", "/networkConfig/defaultEnablePrivateNodes")
    if private is None or default is None:
        return _unreadable("privateClusterConfig", "enablePrivateNodes")
    return fail("nodes have public IP addresses: privateClusterConfig.enablePrivateNodes is off",
                "/privateClusterConfig/enablePrivateNodes")


# -- 5.7 Logging ------------------------------------------------------------------------------------------

@control(GKE, "5.7.1", "Ensure Logging and Cloud Monitoring is Enabled", severity="medium", types=CLUSTER,
         rationale="Cloud Logging and Cloud Monitoring collect the control plane, system and workload logs and "
                   "metrics that incident response and alerting depend on. A cluster with either off leaves no "
                   "trail of what happened in it.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Features > Logging > Edit: check Enable "
                 "Logging (System, Workloads); Cloud Monitoring > Edit: check Enable Cloud Monitoring; Save changes.",
         cli="gcloud container clusters update <cluster> --location <location> --logging=SYSTEM,WORKLOAD "
             "--monitoring=SYSTEM")
def logging_monitoring(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    services = {key: _read(config, key) for key in ("loggingService", "monitoringService")}
    off = [key for key, value in services.items() if value == "none"]
    if off:
        return fail(" and ".join(f"{key} is none" for key in off), pointer(off[0]))
    unknown = [key for key, value in services.items() if not isinstance(value, str) or not value]
    if unknown:  # GKE always reports both services
        return not_applicable(f"{' and '.join(unknown)} not reported or not readable")
    return passed(f"logging to {services['loggingService']}, monitoring to {services['monitoringService']}",
                  "/loggingService")


# -- 5.8 Authentication and authorization -----------------------------------------------------------------

@control(GKE, "5.8.1", "Ensure authentication using Client Certificates is Disabled", severity="high",
         types=CLUSTER,
         rationale="A client certificate is a long-lived credential with cluster-admin rights that cannot be "
                   "revoked short of rotating the cluster's CA. Whoever obtains it keeps full access; IAM-based "
                   "authentication can be audited and withdrawn.",
         console="The setting cannot be changed in place: Kubernetes Engine > Clusters > Create, and under "
                 "Security leave Issue a client certificate cleared; move the workloads and delete the old cluster.",
         cli="gcloud container clusters create <cluster> --location <location> --no-issue-client-certificate "
             "(then rotate credentials on the old one with gcloud container clusters update <cluster> "
             "--location <location> --start-credential-rotation until it is retired)")
def client_certificates(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    key, cert = _text(config, "masterAuth", "clientKey"), _text(config, "masterAuth", "clientCertificate")
    issue = _flag(config, "masterAuth", "clientCertificateConfig", "issueClientCertificate")
    if key is None or cert is None or issue is None:
        return _unreadable("masterAuth")
    if key:
        return fail("a client certificate is issued: masterAuth.clientKey is set", "/masterAuth/clientKey")
    if cert:
        return fail("a client certificate is issued: masterAuth.clientCertificate is set",
                    "/masterAuth/clientCertificate")
    if issue:
        return fail("clientCertificateConfig.issueClientCertificate is on",
                    "/masterAuth/clientCertificateConfig/issueClientCertificate")
    return passed("no client certificate", "/masterAuth")


@control(GKE, "5.8.2", "Manage Kubernetes RBAC users with Google Groups for GKE", severity="low", types=CLUSTER,
         rationale="Google Groups for RBAC lets RoleBindings name Google Groups, so access follows group "
                   "membership managed (and removed) in one place. Without it every user is bound one by one and "
                   "leavers keep their bindings.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Security > Google Groups for RBAC > Edit: "
                 "check Enable, security group gke-security-groups@<domain>, Save changes.",
         cli="gcloud container clusters update <cluster> --location <location> "
             "--security-group=gke-security-groups@<domain>")
def google_groups_rbac(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    enabled = _flag(config, "authenticatorGroupsConfig", "enabled")
    group = _text(config, "authenticatorGroupsConfig", "securityGroup")
    if enabled is None or group is None:
        return _unreadable("authenticatorGroupsConfig")
    if enabled and group:
        return passed(f"security group {group}", "/authenticatorGroupsConfig/securityGroup")
    if enabled:
        return fail("Google Groups for RBAC enabled without a security group",
                    "/authenticatorGroupsConfig/securityGroup")
    return fail("Google Groups for RBAC not enabled", "/authenticatorGroupsConfig/enabled")


@control(GKE, "5.8.3", "Ensure Legacy Authorization (ABAC) is Disabled", severity="high", types=CLUSTER,
         rationale="Legacy ABAC grants broad, statically configured permissions that bypass Kubernetes RBAC, "
                   "and any identity it covers keeps them whatever the RBAC bindings say. With it disabled RBAC "
                   "alone decides.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Security > Legacy authorization > Edit: "
                 "clear Enable legacy authorization, Save changes.",
         cli="gcloud container clusters update <cluster> --location <location> --no-enable-legacy-authorization")
def legacy_abac(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    enabled = _flag(config, "legacyAbac", "enabled")  # GKE omits it (or sends {}) when disabled
    if enabled is None:
        return _unreadable("legacyAbac", "enabled")
    if enabled:
        return fail("legacy ABAC enabled", "/legacyAbac/enabled")
    return passed("legacy ABAC disabled", "/legacyAbac")


# -- 5.9 Storage ------------------------------------------------------------------------------------------

def _boot_disk_key(value: Any) -> bool | str | None:
    if value is None or value == "":
        return "boot disks use a Google-managed key (no bootDiskKmsKey)"
    return True if isinstance(value, str) else None


@control(GKE, "5.9.2", "Enable Customer-Managed Encryption Keys (CMEK) for Boot Disks", severity="low",
         types=CLUSTER,
         rationale="Node boot disks hold container images, logs and emptyDir data. Encrypting them with a Cloud "
                   "KMS key the organization controls lets it audit their use and make the data unreadable by "
                   "disabling the key.",
         console="Kubernetes Engine > Clusters > <cluster> > Nodes > Add node pool > Nodes > Boot disk encryption: "
                 "Customer-managed encryption key, select the key, Create; migrate workloads and delete the old "
                 "pool.",
         cli="gcloud container node-pools create <pool> --cluster <cluster> --location <location> "
             "--disk-type pd-balanced --boot-disk-kms-key "
             "projects/<key-project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>")
def boot_disk_cmek(config: dict) -> Verdict:
    return _each_pool(config, ("config", "bootDiskKmsKey"), _boot_disk_key,
                      "every node pool's boot disks use a customer-managed key")


# -- 5.10 Other cluster configurations --------------------------------------------------------------------

@control(GKE, "5.10.1", "Ensure Kubernetes Web UI is Disabled", severity="medium", types=CLUSTER,
         rationale="The Kubernetes Dashboard runs with a highly privileged service account and has been the entry "
                   "point of cluster takeovers when exposed. The Cloud Console covers its uses without that risk.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Features > Kubernetes Dashboard > Edit: "
                 "clear Enable Kubernetes Dashboard, Save changes.",
         cli="gcloud container clusters update <cluster> --location <location> "
             "--update-addons=KubernetesDashboard=DISABLED")
def dashboard_disabled(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    dashboard = _read(config, "addonsConfig", "kubernetesDashboard")
    if dashboard is None:  # the add-on is off unless configured (GKE 1.10 on)
        return passed("Kubernetes Dashboard add-on not configured", "/addonsConfig")
    return boolean_setting(_flag(dashboard, "disabled"), "/addonsConfig/kubernetesDashboard/disabled",
                           ok="Kubernetes Dashboard add-on disabled", bad="Kubernetes Dashboard add-on enabled",
                           unreadable="addonsConfig.kubernetesDashboard.disabled not readable")


@control(GKE, "5.10.2", "Ensure that Alpha clusters are not used for production workloads", severity="medium",
         types=CLUSTER,
         rationale="Alpha clusters run Kubernetes alpha features that are not production-ready, get no support "
                   "or SLA, cannot be upgraded and expire after 30 days. Their security properties are untested.",
         console="Alpha clusters cannot be converted: Kubernetes Engine > Clusters > Create without Enable "
                 "Kubernetes alpha features, move the workloads, then delete the alpha cluster.",
         cli="gcloud container clusters create <cluster> --location <location> (without "
             "--enable-kubernetes-alpha); gcloud container clusters delete <alpha-cluster> --location <location>")
def not_alpha(config: dict) -> Verdict:
    return _cluster_flag(config, ("enableKubernetesAlpha",), want=False, ok="not an alpha cluster",
                         bad="Kubernetes alpha features enabled")


@control(GKE, "5.10.4", "Enable Security Posture", severity="medium", types=CLUSTER,
         rationale="Security posture scans the cluster's workloads for configuration weaknesses and known "
                   "vulnerabilities and reports them in the console. With it disabled those findings are never "
                   "produced.",
         console="Kubernetes Engine > Clusters > <cluster> > Details > Security > Security posture > Edit: choose "
                 "Basic (or Enterprise), Save changes.",
         cli="gcloud container clusters update <cluster> --location <location> --security-posture=standard")
def security_posture(config: dict) -> Verdict:
    if not _is_cluster(config):
        return not_applicable(_NOT_A_CLUSTER)
    mode = _text(config, "securityPostureConfig", "mode")
    if mode is None:
        return _unreadable("securityPostureConfig", "mode")
    if mode in ("BASIC", "ENTERPRISE"):
        return passed(f"security posture {mode}", "/securityPostureConfig/mode")
    if mode == "DISABLED":
        return fail("security posture disabled", "/securityPostureConfig/mode")
    # MODE_UNSPECIFIED "default value not specified": the effective mode is not reported.
    return not_applicable(f"securityPostureConfig.mode not reported ({mode or 'absent'})")
