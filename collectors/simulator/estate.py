"""Simulated estates at scale, and the drift injector, for the GCP and Azure simulators.

``seed_gcp`` and ``seed_azure`` fill a running :class:`~collectors.simulator.gcp.GcpSimulator` /
:class:`~collectors.simulator.azure.FakeArm` with a realistic, varied, secure-by-default estate:
deterministic (same arguments, same estate), so an idle re-poll must report nothing. Each returns an
:class:`Estate`: what was seeded, which the drift kinds pick their targets from.

``DRIFT_KINDS`` maps a drift kind's name to ``(cloud, function)``; the function edits the estate,
``fn(server, estate) -> expected``, and returns what the product must report for a prod account::

    {"drift": name, "resource_type": ..., "native_id": ..., "kind": "added"|"removed"|"modified",
     "paths": [JSON pointers the finding's changes must include], "severity": ...}

Every kind touches a resource of its own (never one another kind touched), so each expectation is
exactly one finding. Plain Python: no Django, no cloud SDK.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from collectors.simulator.azure import CONTRIBUTOR, OWNER, READER, agent_pool

SEED = 20260105

GKE_LOCATIONS = ("europe-west1", "us-central1", "europe-west4-b", "us-east1-c", "asia-northeast1")
GCS_LOCATIONS = ("US", "EU", "europe-west1", "us-central1", "ASIA")
TEAMS = ("platform", "payments", "search", "data", "identity", "mobile", "ml", "growth")
GCP_ROLES = ("roles/viewer", "roles/logging.viewer", "roles/monitoring.viewer", "roles/container.developer",
             "roles/storage.objectViewer", "roles/bigquery.dataViewer", "roles/cloudsql.client",
             "roles/pubsub.subscriber", "roles/secretmanager.secretAccessor", "roles/browser")
AZURE_LOCATIONS = ("westeurope", "northeurope", "eastus2", "uksouth", "swedencentral")
STORAGE_PURPOSES = ("logs", "data", "backup", "assets", "lake", "audit", "tfstate", "exports")


@dataclass
class Estate:
    """What a seed put in a simulator, for the drift kinds to pick from."""

    cloud: str
    account: str  # the GCP project id or the Azure subscription id
    clusters: list[Any] = field(default_factory=list)  # GCP: (location, name); Azure: ARM ids
    buckets: list[str] = field(default_factory=list)  # GCP bucket names; Azure storage account ARM ids
    service_accounts: list[str] = field(default_factory=list)  # GCP emails
    assignments: list[str] = field(default_factory=list)  # Azure role assignment ARM ids
    role_definitions: list[str] = field(default_factory=list)  # Azure custom role ARM ids
    bindings: int = 0  # GCP: (role, member) pairs added to the project policy
    taken: set = field(default_factory=set)  # resources a drift kind already touched

    def pick(self, items: list) -> Any:
        """A resource no other drift kind has touched (from the end of the list, so a test can use
        the first ones freely)."""
        for item in reversed(items):
            key = item if isinstance(item, str) else tuple(item)
            if key not in self.taken:
                self.taken.add(key)
                return item
        raise LookupError(f"no untouched resource left in the {self.cloud} estate for this drift kind")


def pointer(*parts: str) -> str:
    """A JSON pointer from raw keys (``~`` and ``/`` escaped)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def gke_id(project: str, location: str, name: str) -> str:
    return f"//container.googleapis.com/projects/{project}/locations/{location}/clusters/{name}"


def bucket_id(name: str) -> str:
    return f"//storage.googleapis.com/projects/_/buckets/{name}"


def policy_id(project: str) -> str:
    return f"//cloudresourcemanager.googleapis.com/projects/{project}"


# -- GCP ------------------------------------------------------------------------------------------

def seed_gcp(server: Any, project: str, *, clusters: int = 50, buckets: int = 250, bindings: int = 500,
             service_accounts: int = 10, seed: int = SEED) -> Estate:
    """A project with that many GKE clusters (regional and zonal, several node pools, varied
    machine types and release channels, all hardened), buckets (varied locations, classes, labels and
    non-public IAM grants), project IAM (role, member) bindings to users, groups and service
    accounts, and service accounts with one user-managed key each."""
    rng = random.Random(f"{seed}:gcp:{project}")  # noqa: S311  (deterministic test data, not secrets)
    estate = Estate("gcp", project)
    with server._lock:
        server.project(project)
        for i in range(clusters):
            team = TEAMS[i % len(TEAMS)]
            location = GKE_LOCATIONS[i % len(GKE_LOCATIONS)]
            name = f"{team}-gke-{i + 1:02d}"
            patch: dict[str, Any] = {
                "resourceLabels": {"env": "prod", "team": team, "cost-center": f"cc-{rng.randint(100, 999)}"},
                "releaseChannel": {"channel": rng.choice(("REGULAR", "STABLE", "REGULAR", "RAPID"))},
                "description": f"{team} workloads",
            }
            if i % 3 == 0:
                patch["masterAuthorizedNetworksConfig"] = {"enabled": True, "cidrBlocks": [
                    {"displayName": "corp", "cidrBlock": "203.0.113.0/24"},
                    {"displayName": "vpn", "cidrBlock": f"198.51.100.{rng.randrange(0, 256, 16)}/28"}]}
            server.put_cluster(project, location, name, **patch)
            for p in range(i % 3):
                pool = ("batch", "highmem", "gpu")[p]
                server.put_node_pool(project, location, name, f"{pool}-pool", config={
                    "machineType": rng.choice(("n2-standard-8", "e2-standard-8", "n2-highmem-4", "c3-standard-4")),
                    "labels": {"pool": pool, "team": team}}, initialNodeCount=rng.randint(1, 4))
            estate.clusters.append((location, name))
        for i in range(buckets):
            purpose = STORAGE_PURPOSES[i % len(STORAGE_PURPOSES)]
            name = f"{project}-{purpose}-{i + 1:03d}"
            location = GCS_LOCATIONS[i % len(GCS_LOCATIONS)]
            server.put_bucket(project, name, location,
                              storageClass=rng.choice(("STANDARD", "STANDARD", "NEARLINE", "COLDLINE")),
                              labels={"env": "prod", "team": TEAMS[rng.randrange(len(TEAMS))], "purpose": purpose})
            if i % 4 == 1:
                server.set_bucket_iam_binding(name, "roles/storage.objectViewer",
                                              [f"group:{purpose}-readers@example.com"])
            if i % 5 == 2:
                server.set_bucket_iam_binding(name, "roles/storage.objectCreator",
                                              [f"serviceAccount:ingest@{project}.iam.gserviceaccount.com"])
            estate.buckets.append(name)
        for i in range(bindings):
            role = GCP_ROLES[i % len(GCP_ROLES)]
            kind = i % 5
            if kind == 0:
                member = f"group:{TEAMS[i % len(TEAMS)]}-{i // 40:02d}@example.com"
            elif kind == 1:
                member = f"serviceAccount:svc-{i:04d}@{project}.iam.gserviceaccount.com"
            else:
                member = f"user:engineer{i + 1:04d}@example.com"
            server.add_iam_member(project, role, member)
        estate.bindings = bindings
        for i in range(service_accounts):
            email = server.put_service_account(project, f"{TEAMS[i % len(TEAMS)]}-app-{i + 1:02d}",
                                               display_name=f"{TEAMS[i % len(TEAMS)]} application")
            server.add_sa_key(project, email, key_id=f"{rng.getrandbits(160):040x}",
                              valid_after=f"2026-0{1 + i % 3}-1{i % 10}T08:00:00Z")
            estate.service_accounts.append(email)
    return estate


def gcp_cluster_public(server: Any, estate: Estate) -> dict:
    location, name = estate.pick(estate.clusters)
    server.make_cluster_public(estate.account, location, name)
    return _expect("gcp.gke.cluster", gke_id(estate.account, location, name), "modified", "critical",
                   "/masterAuthorizedNetworksConfig/enabled", "/privateClusterConfig/enablePrivateEndpoint")


def gcp_legacy_abac(server: Any, estate: Estate) -> dict:
    location, name = estate.pick(estate.clusters)
    server.patch_cluster(estate.account, location, name, {"legacyAbac": {"enabled": True}})
    return _expect("gcp.gke.cluster", gke_id(estate.account, location, name), "modified", "critical",
                   "/legacyAbac/enabled")


def gcp_node_metadata_exposed(server: Any, estate: Estate) -> dict:
    location, name = estate.pick(estate.clusters)
    server.patch_node_pool(estate.account, location, name, "default-pool",
                           {"config": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}})
    return _expect("gcp.gke.cluster", gke_id(estate.account, location, name), "modified", "critical",
                   "/nodePools/default-pool/config/workloadMetadataConfig/mode")


def gcp_cluster_deleted(server: Any, estate: Estate) -> dict:
    location, name = estate.pick(estate.clusters)
    server.delete_cluster(estate.account, location, name)
    return _expect("gcp.gke.cluster", gke_id(estate.account, location, name), "removed", "high")


def gcp_bucket_all_users(server: Any, estate: Estate) -> dict:
    # A bucket with no objectViewer binding yet: the whole binding appears.
    name = next(b for b in reversed(estate.buckets) if b not in estate.taken
                and not any(x["role"] == "roles/storage.objectViewer" for x in server.buckets[b]["policy"]["bindings"]))
    estate.taken.add(name)
    server.make_bucket_public(name)
    return _expect("gcp.storage.bucket", bucket_id(name), "modified", "critical",
                   "/iamPolicy/bindings/roles~1storage.objectViewer", "/iamConfiguration/publicAccessPrevention")


def gcp_bucket_versioning_off(server: Any, estate: Estate) -> dict:
    name = estate.pick(estate.buckets)
    server.patch_bucket(name, {"versioning": {"enabled": False}})
    return _expect("gcp.storage.bucket", bucket_id(name), "modified", "high", "/versioning/enabled")


def gcp_project_owner_user(server: Any, estate: Estate) -> dict:
    key = ("policy", estate.account)
    if key in estate.taken:
        raise LookupError("the project policy was already drifted")
    estate.taken.add(key)
    server.add_iam_member(estate.account, "roles/owner", "user:contractor.mallory@example.com")
    return _expect("gcp.iam.project_policy", policy_id(estate.account), "modified", "critical",
                   "/bindings/roles~1owner/members")


def gcp_sa_key_created(server: Any, estate: Estate) -> dict:
    email = estate.pick(estate.service_accounts)
    project = estate.account
    key_id = hashlib.sha1(f"{SEED}:{email}:drift".encode()).hexdigest()  # noqa: S324  (an id, not a hash)
    server.add_sa_key(project, email, key_id=key_id, valid_after="2026-11-20T12:00:00Z")
    unique_id = server.project(project).service_accounts[email]["uniqueId"]
    return _expect("gcp.iam.service_account", f"//iam.googleapis.com/projects/{project}/serviceAccounts/{unique_id}",
                   "modified", "critical", pointer("keys", f"projects/{project}/serviceAccounts/{email}/keys/{key_id}"))


# -- Azure ----------------------------------------------------------------------------------------

def seed_azure(server: Any, subscription: str, *, clusters: int = 50, storage_accounts: int = 250,
               assignments: int = 500, custom_roles: int = 5, seed: int = SEED) -> Estate:
    """A subscription with that many AKS clusters (varied regions, versions, pools, network
    plugins; local accounts off, Entra ID + Azure RBAC, IP-restricted API servers), storage accounts
    (TLS 1.2, no public blob access, firewalled, varied SKUs), custom roles, and role assignments
    (Reader, Contributor and custom roles to groups, service principals and users, at subscription
    and resource-group scope; Owner only to an admin group)."""
    rng = random.Random(f"{seed}:azure:{subscription}")  # noqa: S311  (deterministic test data)
    estate = Estate("azure", subscription)
    sub = f"/subscriptions/{subscription}"
    with server._lock:
        if subscription.lower() not in server.subscriptions:
            server.put_subscription(subscription)
        for i in range(custom_roles):
            team = TEAMS[i % len(TEAMS)]
            estate.role_definitions.append(server.put_role_definition(
                subscription, f"{team} operator", [
                    "Microsoft.ContainerService/managedClusters/read",
                    "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
                    f"Microsoft.Storage/storageAccounts/{('read', 'listKeys/action')[i % 2]}"],
                description=f"What the {team} on-call needs")["id"])
        for i in range(clusters):
            team = TEAMS[i % len(TEAMS)]
            location = AZURE_LOCATIONS[i % len(AZURE_LOCATIONS)]
            version = ("1.29.9", "1.30.5", "1.30.5", "1.31.2")[i % 4]
            pools = [agent_pool("system", mode="System", version=version),
                     agent_pool("workers", version=version, count=rng.randint(2, 8),
                                vm_size=rng.choice(("Standard_D8s_v5", "Standard_D4s_v5", "Standard_E8s_v5")))]
            if i % 4 == 3:
                pools.append(agent_pool("spot", version=version, count=2, vm_size="Standard_F8s_v2",
                                        scaleSetPriority="Spot"))
            estate.clusters.append(server.put_cluster(
                subscription, f"rg-{team}", f"aks-{team}-{i + 1:02d}", location=location,
                tags={"env": "prod", "team": team},
                kubernetesVersion=version, agentPoolProfiles=pools,
                networkProfile={"networkPlugin": "azure", "networkPolicy": ("calico", "azure", "cilium")[i % 3],
                                "networkDataplane": "cilium" if i % 3 == 2 else "azure",
                                "loadBalancerSku": "standard", "outboundType": "loadBalancer",
                                "serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.0.0.10",
                                "serviceCidrs": ["10.0.0.0/16"], "ipFamilies": ["IPv4"]},
                apiServerAccessProfile={"authorizedIPRanges": ["203.0.113.0/24",
                                                               f"198.51.100.{rng.randrange(0, 256, 16)}/28"],
                                        "enablePrivateCluster": False})["id"])
        for i in range(storage_accounts):
            purpose = STORAGE_PURPOSES[i % len(STORAGE_PURPOSES)]
            team = TEAMS[rng.randrange(len(TEAMS))]
            sku = rng.choice(("Standard_GRS", "Standard_LRS")) if i % 3 == 0 else "Standard_ZRS"
            body = server.put_storage_account(
                subscription, f"rg-{team}", f"st{purpose}{i + 1:04d}", location=AZURE_LOCATIONS[i % 5],
                tags={"env": "prod", "team": team, "purpose": purpose}, sku=sku,
                accessTier=rng.choice(("Hot", "Hot", "Cool")))
            estate.buckets.append(body["id"])
        roles = [READER, READER, CONTRIBUTOR, *estate.role_definitions]
        server.put_role_assignment(subscription, str(uuid.uuid5(uuid.NAMESPACE_URL, f"{subscription}|admins")),
                                   OWNER, principal_type="Group")
        for i in range(assignments - 1):
            kind = ("Group", "ServicePrincipal", "User", "User")[i % 4]
            role = roles[i % len(roles)]
            if kind == "User" and role == CONTRIBUTOR:
                role = READER
            scope = sub if i % 3 == 0 else f"{sub}/resourceGroups/rg-{TEAMS[i % len(TEAMS)]}"
            principal = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{subscription}|principal|{i}"))
            estate.assignments.append(server.put_role_assignment(
                subscription, principal, role, principal_type=kind, scope=scope,
                description=None if i % 2 else f"seeded assignment {i}")["id"])
    return estate


def azure_aks_local_accounts(server: Any, estate: Estate) -> dict:
    rid = estate.pick(estate.clusters)
    server.update_cluster(rid, disableLocalAccounts=False)
    return _expect("azure.aks.cluster", rid, "modified", "critical", "/properties/disableLocalAccounts")


def azure_aks_authorized_ips_emptied(server: Any, estate: Estate) -> dict:
    rid = estate.pick(estate.clusters)
    server.update_cluster(rid, apiServerAccessProfile={"authorizedIPRanges": [], "enablePrivateCluster": False})
    return _expect("azure.aks.cluster", rid, "modified", "critical",
                   "/properties/apiServerAccessProfile/authorizedIPRanges")


def azure_aks_deleted(server: Any, estate: Estate) -> dict:
    rid = estate.pick(estate.clusters)
    server.delete(rid)
    return _expect("azure.aks.cluster", rid, "removed", "high")


def azure_owner_assignment_user(server: Any, estate: Estate) -> dict:
    principal = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{estate.account}|guest-owner"))
    rid = server.put_role_assignment(estate.account, principal, OWNER, principal_type="User")["id"]
    estate.taken.add(rid)
    return _expect("azure.authorization.role_assignment", rid, "added", "critical")


def azure_blob_public(server: Any, estate: Estate) -> dict:
    rid = estate.pick(estate.buckets)
    server.update_storage_account(rid, allowBlobPublicAccess=True)
    return _expect("azure.storage.account", rid, "modified", "critical", "/properties/allowBlobPublicAccess")


def azure_storage_tls10(server: Any, estate: Estate) -> dict:
    rid = estate.pick(estate.buckets)
    server.update_storage_account(rid, minimumTlsVersion="TLS1_0")
    return _expect("azure.storage.account", rid, "modified", "high", "/properties/minimumTlsVersion")


def azure_storage_firewall_open(server: Any, estate: Estate) -> dict:
    rid = estate.pick(estate.buckets)
    acls = {"bypass": "AzureServices", "virtualNetworkRules": [], "ipRules": [], "defaultAction": "Allow"}
    server.update_storage_account(rid, networkAcls=acls)
    return _expect("azure.storage.account", rid, "modified", "critical", "/properties/networkAcls/defaultAction")


def azure_storage_deleted(server: Any, estate: Estate) -> dict:
    rid = estate.pick(estate.buckets)
    server.delete(rid)
    return _expect("azure.storage.account", rid, "removed", "high")


def _expect(resource_type: str, native_id: str, kind: str, severity: str, *paths: str) -> dict:
    return {"resource_type": resource_type, "native_id": native_id, "kind": kind, "paths": list(paths),
            "severity": severity}


Injector = Callable[[Any, Estate], dict]
DRIFT_KINDS: dict[str, tuple[str, Injector]] = {
    "gcp.cluster_public": ("gcp", gcp_cluster_public),
    "gcp.legacy_abac": ("gcp", gcp_legacy_abac),
    "gcp.node_metadata_exposed": ("gcp", gcp_node_metadata_exposed),
    "gcp.cluster_deleted": ("gcp", gcp_cluster_deleted),
    "gcp.bucket_all_users": ("gcp", gcp_bucket_all_users),
    "gcp.bucket_versioning_off": ("gcp", gcp_bucket_versioning_off),
    "gcp.project_owner_user": ("gcp", gcp_project_owner_user),
    "gcp.sa_key_created": ("gcp", gcp_sa_key_created),
    "azure.aks_local_accounts": ("azure", azure_aks_local_accounts),
    "azure.aks_authorized_ips_emptied": ("azure", azure_aks_authorized_ips_emptied),
    "azure.aks_deleted": ("azure", azure_aks_deleted),
    "azure.owner_assignment_user": ("azure", azure_owner_assignment_user),
    "azure.blob_public": ("azure", azure_blob_public),
    "azure.storage_tls10": ("azure", azure_storage_tls10),
    "azure.storage_firewall_open": ("azure", azure_storage_firewall_open),
    "azure.storage_deleted": ("azure", azure_storage_deleted),
}


def inject(cloud: str, server: Any, estate: Estate) -> dict[str, dict]:
    """Inject every drift kind of one cloud; returns {kind name: expected finding}."""
    return {name: {"drift": name, **fn(server, estate)} for name, (c, fn) in DRIFT_KINDS.items() if c == cloud}


def compare(expected: dict[str, dict], findings: list[dict]) -> tuple[list[str], bool]:
    """Match open findings (finding_as_dict / ``drift --json`` rows) to the expectations: one line per
    drift kind (``OK ...`` or ``MISMATCH ...``) and a line per unexpected finding; and whether all
    matched."""
    by_id: dict[str, list[dict]] = {}
    for f in findings:
        by_id.setdefault(f["resource_id"], []).append(f)
    lines, ok = [], True
    for name, want in expected.items():
        seen = by_id.pop(want["native_id"], [])
        got = [(f["kind"], f["severity"], sorted(c["path"] for c in f.get("changes") or [])) for f in seen]
        good = (len(seen) == 1 and seen[0]["resource_type"] == want["resource_type"]
                and seen[0]["kind"] == want["kind"] and seen[0]["severity"] == want["severity"]
                and set(want["paths"]) <= set(got[0][2]))
        ok = ok and good
        lines.append(f"{'OK' if good else 'MISMATCH':8} {name}: {want['kind']} {want['severity']} "
                     f"{want['paths'] or ''} on {want['native_id']}" + ("" if good else f" — seen {got or 'nothing'}"))
    for rid, rest in by_id.items():
        ok = False
        for f in rest:
            lines.append(f"MISMATCH unexpected finding: {f['kind']} {f['severity']} on {rid} "
                         f"{[c['path'] for c in f.get('changes') or []]}")
    return lines, ok
