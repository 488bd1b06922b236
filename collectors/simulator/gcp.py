"""A local fake of the GCP management REST endpoints the collectors' SDKs call, over real HTTP.

One threaded ``http.server`` serves, under one base URL (an account's endpoint override):
- OAuth: ``POST /token`` (the JWT-bearer exchange google-auth runs for a service-account key whose
  token_uri points here; the signature is checked when the key's public key is trusted);
- GKE (container v1): ``GET /v1/projects/P/locations/L/clusters`` (L may be ``-``) and one cluster;
- Resource Manager v3: ``GET /v3/projects/P``, ``GET /v3/projects:search``, ``GET /v3/projects``,
  ``POST /v3/projects/P:getIamPolicy``;
- IAM v1: ``GET /v1/projects/P/serviceAccounts`` (paged), ``.../serviceAccounts/EMAIL`` and
  ``.../serviceAccounts/EMAIL/keys`` (``keyTypes`` filter);
- Cloud Storage v1: ``GET /storage/v1/b?project=P`` (paged), ``GET /storage/v1/b/NAME`` and
  ``GET /storage/v1/b/NAME/iam``.

Answers are the REST JSON shapes Google documents (camelCase, int64 as strings, enums as names,
errors as ``{"error": {"code", "message", "status"}}``). State lives in memory and is edited from
Python through the methods of :class:`GcpSimulator` (the drift injector); ``fail()`` scripts error
replies. Plain Python: no Django, no Google SDK.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

GKE_VERSION = "1.30.5-gke.1014001"
CREATED = "2026-01-05T09:30:00+00:00"
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class GcpError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def deep_merge(target: dict, patch: dict) -> dict:
    """Merge patch into target in place: dicts merge, None deletes a key, anything else replaces."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def _etag(value: Any) -> str:
    digest = hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).digest()
    return base64.b64encode(digest[:8]).decode()


def _number(seed: str, digits: int = 12) -> str:
    return str(int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10 ** digits).rjust(digits, "1")


def region_of(location: str) -> str:
    return location if location.count("-") < 2 else location.rsplit("-", 1)[0]


# -- realistic resources --------------------------------------------------------------------------

def node_pool(project: str, location: str, cluster: str, name: str = "default-pool", **patch: Any) -> dict:
    zones = [location] if location.count("-") == 2 else [f"{location}-a", f"{location}-b", f"{location}-c"]
    pool = {
        "name": name,
        "config": {
            "machineType": "e2-standard-4",
            "diskSizeGb": 100,
            "oauthScopes": ["https://www.googleapis.com/auth/monitoring",
                            "https://www.googleapis.com/auth/logging.write"],
            "metadata": {"disable-legacy-endpoints": "true"},
            "imageType": "COS_CONTAINERD",
            "labels": {"pool": name},
            "serviceAccount": f"gke-nodes@{project}.iam.gserviceaccount.com",
            "diskType": "pd-balanced",
            "workloadMetadataConfig": {"mode": "GKE_METADATA"},
            "shieldedInstanceConfig": {"enableSecureBoot": True, "enableIntegrityMonitoring": True},
        },
        "initialNodeCount": 1,
        "autoscaling": {"enabled": True, "minNodeCount": 1, "maxNodeCount": 5, "locationPolicy": "BALANCED"},
        "management": {"autoUpgrade": True, "autoRepair": True},
        "maxPodsConstraint": {"maxPodsPerNode": "110"},
        "podIpv4CidrSize": 24,
        "locations": zones,
        "networkConfig": {"podRange": "pods", "podIpv4CidrBlock": "10.8.0.0/14"},
        "upgradeSettings": {"maxSurge": 1, "strategy": "SURGE"},
        "selfLink": f"https://container.googleapis.com/v1/projects/{project}/locations/{location}/clusters/"
                    f"{cluster}/nodePools/{name}",
        "version": GKE_VERSION,
        "instanceGroupUrls": [f"https://www.googleapis.com/compute/v1/projects/{project}/zones/{z}/"
                              f"instanceGroupManagers/gke-{cluster}-{name}-grp" for z in zones],
        "status": "RUNNING",
        "etag": _etag([project, cluster, name]),
    }
    return deep_merge(pool, patch)


def cluster(project: str, location: str, name: str, **patch: Any) -> dict:
    """A hardened GKE cluster as a platform team would run it (private, Workload Identity, CMEK...)."""
    region = region_of(location)
    zones = [location] if location.count("-") == 2 else [f"{location}-a", f"{location}-b", f"{location}-c"]
    config = {
        "name": name,
        "description": "",
        "masterAuth": {"clientCertificateConfig": {},
                       "clusterCaCertificate": base64.b64encode(f"CA {project}/{name}".encode()).decode()},
        "loggingService": "logging.googleapis.com/kubernetes",
        "monitoringService": "monitoring.googleapis.com/kubernetes",
        "network": "default",
        "clusterIpv4Cidr": "10.8.0.0/14",
        "addonsConfig": {
            "httpLoadBalancing": {}, "horizontalPodAutoscaling": {},
            "kubernetesDashboard": {"disabled": True}, "networkPolicyConfig": {},
            "gcePersistentDiskCsiDriverConfig": {"enabled": True},
        },
        "subnetwork": "default",
        "nodePools": [node_pool(project, location, name)],
        "locations": zones,
        "resourceLabels": {"env": "prod", "team": "platform"},
        "labelFingerprint": _etag(["labels", name])[:8],
        "legacyAbac": {},
        "networkPolicy": {"provider": "CALICO", "enabled": True},
        "ipAllocationPolicy": {"useIpAliases": True, "clusterIpv4CidrBlock": "10.8.0.0/14",
                               "servicesIpv4CidrBlock": "10.12.0.0/20", "stackType": "IPV4"},
        "masterAuthorizedNetworksConfig": {
            "enabled": True, "cidrBlocks": [{"displayName": "corp", "cidrBlock": "203.0.113.0/24"}]},
        "maintenancePolicy": {"window": {"dailyMaintenanceWindow": {"startTime": "03:00"}},
                              "resourceVersion": _etag(["mp", name])[:8]},
        "binaryAuthorization": {"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"},
        "networkConfig": {"network": f"projects/{project}/global/networks/default",
                          "subnetwork": f"projects/{project}/regions/{region}/subnetworks/default",
                          "enableIntraNodeVisibility": True, "datapathProvider": "LEGACY_DATAPATH"},
        "defaultMaxPodsConstraint": {"maxPodsPerNode": "110"},
        "privateClusterConfig": {"enablePrivateNodes": True, "enablePrivateEndpoint": True,
                                 "masterIpv4CidrBlock": "172.16.0.0/28", "privateEndpoint": "172.16.0.2"},
        "databaseEncryption": {"state": "ENCRYPTED", "currentState": "CURRENT_STATE_ENCRYPTED",
                               "keyName": f"projects/{project}/locations/{region}/keyRings/gke/cryptoKeys/etcd"},
        "shieldedNodes": {"enabled": True},
        "releaseChannel": {"channel": "REGULAR"},
        "workloadIdentityConfig": {"workloadPool": f"{project}.svc.id.goog"},
        "loggingConfig": {"componentConfig": {"enableComponents": ["SYSTEM_COMPONENTS", "WORKLOADS"]}},
        "monitoringConfig": {"componentConfig": {"enableComponents": ["SYSTEM_COMPONENTS"]}},
        "selfLink": f"https://container.googleapis.com/v1/projects/{project}/locations/{location}/clusters/{name}",
        "zone": location,
        "endpoint": "172.16.0.2",
        "initialClusterVersion": GKE_VERSION,
        "currentMasterVersion": GKE_VERSION,
        "currentNodeVersion": GKE_VERSION,
        "createTime": CREATED,
        "status": "RUNNING",
        "servicesIpv4Cidr": "10.12.0.0/20",
        "currentNodeCount": 3,
        "location": location,
        "id": hashlib.sha256(f"{project}/{location}/{name}".encode()).hexdigest()[:64],
        "etag": _etag([project, location, name]),
    }
    return deep_merge(config, patch)


def bucket(project: str, project_number: str, name: str, location: str = "US", **patch: Any) -> dict:
    """A bucket with the protections a security team expects (uniform access, PAP, versioning...)."""
    config = {
        "kind": "storage#bucket",
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{name}",
        "id": name,
        "name": name,
        "projectNumber": project_number,
        "metageneration": "1",
        "location": location,
        "storageClass": "STANDARD",
        "etag": "CAE=",
        "timeCreated": "2026-01-05T09:30:00.000Z",
        "updated": "2026-01-05T09:30:00.000Z",
        "locationType": "multi-region" if "-" not in location else "region",
        "rpo": "DEFAULT",
        "iamConfiguration": {
            "bucketPolicyOnly": {"enabled": True, "lockedTime": "2026-04-05T09:30:00.000Z"},
            "uniformBucketLevelAccess": {"enabled": True, "lockedTime": "2026-04-05T09:30:00.000Z"},
            "publicAccessPrevention": "enforced",
        },
        "versioning": {"enabled": True},
        "logging": {"logBucket": f"{project}-access-logs", "logObjectPrefix": name},
        "retentionPolicy": {"retentionPeriod": "2592000", "effectiveTime": "2026-01-05T09:30:00.000Z"},
        "encryption": {"defaultKmsKeyName":
                       f"projects/{project}/locations/us/keyRings/storage/cryptoKeys/{project}-data"},
        "softDeletePolicy": {"retentionDurationSeconds": "604800", "effectiveTime": "2026-01-05T09:30:00.000Z"},
        "labels": {"env": "prod"},
    }
    return deep_merge(config, patch)


def bucket_policy(project: str, name: str) -> dict:
    return {
        "kind": "storage#policy",
        "resourceId": f"projects/_/buckets/{name}",
        "version": 1,
        "etag": "CAE=",
        "bindings": [
            {"role": "roles/storage.legacyBucketOwner", "members": [f"projectEditor:{project}",
                                                                    f"projectOwner:{project}"]},
            {"role": "roles/storage.legacyBucketReader", "members": [f"projectViewer:{project}"]},
        ],
    }


class Project:
    def __init__(self, project_id: str, number: str, parent: str, display_name: str) -> None:
        self.project_id, self.number, self.parent, self.display_name = project_id, number, parent, display_name
        self.state = "ACTIVE"
        self.labels: dict[str, str] = {}
        self.clusters: dict[tuple[str, str], dict] = {}
        self.policy: dict[str, Any] = {"version": 1, "bindings": [
            {"role": "roles/owner", "members": [f"group:platform-admins@{project_id}.example.com"]},
            {"role": "roles/viewer", "members": [f"group:auditors@{project_id}.example.com"]},
        ]}
        self.audit_configs: list[dict] = []
        self.service_accounts: dict[str, dict] = {}  # email -> account (with "_keys")

    def resource(self) -> dict:
        return {"name": f"projects/{self.number}", "parent": self.parent, "projectId": self.project_id,
                "state": self.state, "displayName": self.display_name, "createTime": CREATED,
                "updateTime": CREATED, "etag": _etag([self.project_id, self.state]), "labels": self.labels}


class GcpSimulator:
    """The editable in-memory estate and the HTTP server that answers for it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.page_size = 500  # the server-side page size of every paged listing
        self.reset()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> GcpSimulator:
        server = ThreadingHTTPServer((self.host, self.port), _Handler)
        server.daemon_threads = True
        server.simulator = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="gcp-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the simulator first"
        return f"http://{self.host}:{self._server.server_port}"

    def __enter__(self) -> GcpSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """An empty estate, no scripted failures, nothing trusted, and the request log cleared."""
        with self._lock:
            self.projects: dict[str, Project] = {}
            self.buckets: dict[str, dict] = {}  # name -> {"project", "resource", "policy"}
            self.trusted_keys: dict[str, str | None] = {}  # client_email -> public key PEM (or None)
            self.static_tokens: set[str] = set()
            self.issued_tokens: dict[str, str] = {}  # token -> client_email
            self.require_auth = True
            self.failures: list[tuple[str | None, str, int, int | None, dict[str, str]]] = []
            self.requests: list[tuple[str, str]] = []

    # -- authentication -------------------------------------------------------------------------

    def trust_key(self, client_email: str, public_key_pem: str | None = None) -> None:
        """Accept JWTs issued by this service account (signature checked when a key is given)."""
        with self._lock:
            self.trusted_keys[client_email] = public_key_pem

    def add_access_token(self, token: str) -> None:
        with self._lock:
            self.static_tokens.add(token)

    # -- projects and their IAM policy ----------------------------------------------------------

    def add_project(self, project_id: str, *, number: str | None = None, parent: str = "organizations/123456789012",
                    display_name: str | None = None) -> Project:
        with self._lock:
            project = Project(project_id, number or _number(project_id), parent, display_name or project_id)
            self.projects[project_id] = project
            return project

    def project(self, project_id: str) -> Project:
        with self._lock:
            if project_id not in self.projects:
                return self.add_project(project_id)
            return self.projects[project_id]

    def set_iam_binding(self, project_id: str, role: str, members: list[str] | None) -> None:
        """Replace one role's members (None or [] removes the binding)."""
        with self._lock:
            policy = self.project(project_id).policy
            policy["bindings"] = [b for b in policy["bindings"] if b["role"] != role]
            if members:
                policy["bindings"].append({"role": role, "members": list(members)})

    def add_iam_member(self, project_id: str, role: str, member: str) -> None:
        with self._lock:
            for binding in self.project(project_id).policy["bindings"]:
                if binding["role"] == role and "condition" not in binding:
                    if member not in binding["members"]:
                        binding["members"].append(member)
                    return
            self.project(project_id).policy["bindings"].append({"role": role, "members": [member]})

    def remove_iam_member(self, project_id: str, role: str, member: str) -> None:
        with self._lock:
            policy = self.project(project_id).policy
            for binding in policy["bindings"]:
                if binding["role"] == role and member in binding["members"]:
                    binding["members"].remove(member)
            policy["bindings"] = [b for b in policy["bindings"] if b["members"]]

    def set_audit_configs(self, project_id: str, audit_configs: list[dict]) -> None:
        with self._lock:
            self.project(project_id).audit_configs = copy.deepcopy(audit_configs)

    # -- GKE --------------------------------------------------------------------------------------

    def put_cluster(self, project_id: str, location: str, name: str, **patch: Any) -> dict:
        """Create or replace a cluster: the hardened default with ``patch`` deep-merged in."""
        with self._lock:
            config = cluster(project_id, location, name, **patch)
            self.project(project_id).clusters[(location, name)] = config
            return copy.deepcopy(config)

    def patch_cluster(self, project_id: str, location: str, name: str, patch: dict) -> None:
        with self._lock:
            deep_merge(self._cluster(project_id, location, name), patch)

    def delete_cluster(self, project_id: str, location: str, name: str) -> None:
        with self._lock:
            del self.project(project_id).clusters[(location, name)]

    def put_node_pool(self, project_id: str, location: str, cluster_name: str, name: str, **patch: Any) -> None:
        with self._lock:
            config = self._cluster(project_id, location, cluster_name)
            config["nodePools"] = [p for p in config["nodePools"] if p["name"] != name]
            config["nodePools"].append(node_pool(project_id, location, cluster_name, name, **patch))

    def patch_node_pool(self, project_id: str, location: str, cluster_name: str, name: str, patch: dict) -> None:
        with self._lock:
            for pool in self._cluster(project_id, location, cluster_name)["nodePools"]:
                if pool["name"] == name:
                    deep_merge(pool, patch)
                    return
            raise KeyError(name)

    def _cluster(self, project_id: str, location: str, name: str) -> dict:
        return self.project(project_id).clusters[(location, name)]

    # -- IAM service accounts -------------------------------------------------------------------

    def put_service_account(self, project_id: str, account_id: str, *, display_name: str = "",
                            disabled: bool = False) -> str:
        with self._lock:
            email = f"{account_id}@{project_id}.iam.gserviceaccount.com"
            unique_id = _number(email, 21)
            account = {"name": f"projects/{project_id}/serviceAccounts/{email}", "projectId": project_id,
                       "uniqueId": unique_id, "email": email, "displayName": display_name or account_id,
                       "etag": "MDEwMjE5MjA=", "oauth2ClientId": unique_id, "_keys": []}
            if disabled:
                account["disabled"] = True
            self.project(project_id).service_accounts[email] = account
            # Every account has Google-managed keys; listings filtered on USER_MANAGED never show them.
            self.add_sa_key(project_id, email, key_type="SYSTEM_MANAGED")
            return email

    def set_service_account_disabled(self, project_id: str, email: str, disabled: bool) -> None:
        with self._lock:
            account = self.project(project_id).service_accounts[email]
            if disabled:
                account["disabled"] = True
            else:
                account.pop("disabled", None)

    def add_sa_key(self, project_id: str, email: str, *, key_id: str | None = None,
                   valid_after: str = "2026-02-01T10:00:00Z", key_type: str = "USER_MANAGED") -> str:
        with self._lock:
            account = self.project(project_id).service_accounts[email]
            key_id = key_id or secrets.token_hex(20)
            account["_keys"].append({
                "name": f"projects/{project_id}/serviceAccounts/{email}/keys/{key_id}",
                "validAfterTime": valid_after,
                "validBeforeTime": "9999-12-31T23:59:59Z" if key_type == "USER_MANAGED" else "2026-12-31T00:00:00Z",
                "keyAlgorithm": "KEY_ALG_RSA_2048",
                "keyOrigin": "GOOGLE_PROVIDED",
                "keyType": key_type,
            })
            return key_id

    def delete_sa_key(self, project_id: str, email: str, key_id: str) -> None:
        with self._lock:
            account = self.project(project_id).service_accounts[email]
            account["_keys"] = [k for k in account["_keys"] if not k["name"].endswith("/" + key_id)]

    def delete_service_account(self, project_id: str, email: str) -> None:
        with self._lock:
            del self.project(project_id).service_accounts[email]

    # -- Cloud Storage --------------------------------------------------------------------------

    def put_bucket(self, project_id: str, name: str, location: str = "US", **patch: Any) -> dict:
        with self._lock:
            project = self.project(project_id)
            resource = bucket(project_id, project.number, name, location, **patch)
            self.buckets[name] = {"project": project_id, "resource": resource,
                                  "policy": bucket_policy(project_id, name)}
            return copy.deepcopy(resource)

    def patch_bucket(self, name: str, patch: dict) -> None:
        """A metadata write: metageneration, updated and etag move, as on GCS."""
        with self._lock:
            resource = self.buckets[name]["resource"]
            deep_merge(resource, patch)
            resource["metageneration"] = str(int(resource["metageneration"]) + 1)
            resource["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            resource["etag"] = base64.b64encode(resource["metageneration"].encode()).decode()

    def delete_bucket(self, name: str) -> None:
        with self._lock:
            del self.buckets[name]

    def set_bucket_iam_binding(self, name: str, role: str, members: list[str] | None) -> None:
        with self._lock:
            policy = self.buckets[name]["policy"]
            policy["bindings"] = [b for b in policy["bindings"] if b["role"] != role]
            if members:
                policy["bindings"].append({"role": role, "members": list(members)})
            policy["etag"] = _etag(policy["bindings"])

    def add_bucket_iam_member(self, name: str, role: str, member: str) -> None:
        with self._lock:
            policy = self.buckets[name]["policy"]
            for binding in policy["bindings"]:
                if binding["role"] == role:
                    if member not in binding["members"]:
                        binding["members"].append(member)
                    break
            else:
                policy["bindings"].append({"role": role, "members": [member]})
            policy["etag"] = _etag(policy["bindings"])

    # -- drift injectors (the demo's vocabulary) ------------------------------------------------

    def make_cluster_public(self, project_id: str, location: str, name: str) -> None:
        """Authorized networks off and the public endpoint on."""
        self.patch_cluster(project_id, location, name, {
            "masterAuthorizedNetworksConfig": {"enabled": None, "cidrBlocks": None},
            "privateClusterConfig": {"enablePrivateEndpoint": None, "publicEndpoint": "34.118.0.10"},
        })

    def make_bucket_public(self, name: str, role: str = "roles/storage.objectViewer") -> None:
        self.patch_bucket(name, {"iamConfiguration": {"publicAccessPrevention": "inherited"}})
        self.add_bucket_iam_member(name, role, "allUsers")

    # -- seeding --------------------------------------------------------------------------------

    def seed_estate(self, project_ids: list[str], *, clusters: int = 1, buckets: int = 2, bindings: int = 5,
                    service_accounts: int = 1, locations: tuple[str, ...] = ("europe-west1", "us-central1")) -> None:
        """A realistic estate spread over projects: per project, that many clusters (across the
        locations), buckets, extra IAM bindings and service accounts (one user-managed key each)."""
        with self._lock:
            for pid in project_ids:
                self.project(pid)
                for i in range(clusters):
                    self.put_cluster(pid, locations[i % len(locations)], f"gke-{i + 1:02d}")
                for i in range(buckets):
                    self.put_bucket(pid, f"{pid}-data-{i + 1:03d}")
                for i in range(bindings):
                    self.add_iam_member(pid, ("roles/viewer", "roles/logging.viewer", "roles/container.developer",
                                              "roles/storage.objectViewer")[i % 4],
                                        f"user:engineer{i + 1:04d}@example.com")
                for i in range(service_accounts):
                    email = self.put_service_account(pid, f"app-{i + 1:02d}")
                    self.add_sa_key(pid, email, key_id=_number(email, 40)[:40])

    # -- failure injection ----------------------------------------------------------------------

    def fail(self, path_prefix: str, status: int, *, method: str | None = None, times: int | None = None,
             headers: dict[str, str] | None = None) -> None:
        """Answer requests whose path starts with path_prefix with an error (``times`` times, or
        until clear_failures())."""
        with self._lock:
            self.failures.append((method, path_prefix, status, times, dict(headers or {})))

    def clear_failures(self) -> None:
        with self._lock:
            self.failures.clear()

    def _scripted_failure(self, method: str, path: str) -> GcpError | None:
        with self._lock:
            for i, (only, prefix, status, times, headers) in enumerate(self.failures):
                if (only is None or only == method) and path.startswith(prefix):
                    if times is not None:
                        if times <= 1:
                            del self.failures[i]
                        else:
                            self.failures[i] = (only, prefix, status, times - 1, headers)
                    return GcpError(status, f"Injected failure ({status}) on {path}", headers)
        return None

    # -- request handling -----------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> tuple[int, dict]:
        url = urlsplit(raw_path)
        path, query = unquote(url.path), {k: v[-1] for k, v in parse_qs(url.query).items()}
        with self._lock:
            self.requests.append((method, path))
        failure = self._scripted_failure(method, path)
        if failure:
            raise failure
        if method == "POST" and path == "/token":
            return 200, self._token(body)
        self._authorize(headers.get("Authorization", ""))
        for verb, pattern, fn in ROUTES:
            if verb == method:
                match = pattern.fullmatch(path)
                if match:
                    with self._lock:
                        return 200, copy.deepcopy(fn(self, query, *match.groups()))
        raise GcpError(404, f"The requested URL {path} was not found on this server.")

    def _token(self, body: bytes) -> dict:
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        if form.get("grant_type") != JWT_BEARER or "assertion" not in form:
            raise GcpError(400, "unsupported_grant_type")
        try:
            header_b64, payload_b64, signature_b64 = form["assertion"].split(".")
            claims = json.loads(_b64decode(payload_b64))
        except ValueError:
            raise GcpError(400, "invalid_grant: malformed JWT") from None
        email = claims.get("iss", "")
        with self._lock:
            trusted = email in self.trusted_keys
            public_key = self.trusted_keys.get(email)
        if not trusted:
            raise GcpError(400, "invalid_grant: Invalid grant: account not found")
        if public_key and not _verify_rs256(public_key, f"{header_b64}.{payload_b64}", signature_b64):
            raise GcpError(400, "invalid_grant: Invalid JWT Signature.")
        token = "ya29.sim-" + secrets.token_urlsafe(24)
        with self._lock:
            self.issued_tokens[token] = email
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _authorize(self, header: str) -> None:
        if not self.require_auth:
            return
        token = header[7:] if header.startswith("Bearer ") else ""
        with self._lock:
            known = token in self.issued_tokens or token in self.static_tokens
        if not known and token.count(".") == 2:
            known = self._self_signed_jwt(token)
        if not known:
            raise GcpError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token.")

    def _self_signed_jwt(self, token: str) -> bool:
        """A JWT signed with a trusted service-account key, as google-auth sends in place of an
        OAuth token (self-signed JWT access, which the GAPIC clients turn on)."""
        header_b64, payload_b64, signature_b64 = token.split(".")
        try:
            claims = json.loads(_b64decode(payload_b64))
        except ValueError:
            return False
        email = claims.get("iss", "")
        with self._lock:
            if email not in self.trusted_keys:
                return False
            public_key = self.trusted_keys[email]
        if float(claims.get("exp", 0)) < time.time():
            return False
        return not public_key or _verify_rs256(public_key, f"{header_b64}.{payload_b64}", signature_b64)

    # routes: (state read under the lock; results deep-copied)

    def _project_or_denied(self, project_id: str) -> Project:
        project = self.projects.get(project_id)
        if project is None:
            # Google answers 403 for projects that do not exist, so as not to reveal which do.
            raise GcpError(403, f"Permission denied on resource project {project_id} (or it may not exist).")
        return project

    def _paged(self, items: list, query: dict, size_key: str, key: str) -> dict:
        size = min(int(query.get(size_key) or self.page_size), self.page_size)
        start = int(query.get("pageToken") or 0)
        reply: dict[str, Any] = {key: items[start:start + size]} if items[start:start + size] else {}
        if start + size < len(items):
            reply["nextPageToken"] = str(start + size)
        return reply

    def _r_clusters(self, query: dict, project_id: str, location: str) -> dict:
        project = self._project_or_denied(project_id)
        found = [c for (loc, _), c in sorted(project.clusters.items())
                 if location == "-" or loc == location]
        return {"clusters": found} if found else {}

    def _r_cluster(self, query: dict, project_id: str, location: str, name: str) -> dict:
        project = self._project_or_denied(project_id)
        if (location, name) not in project.clusters:
            raise GcpError(404, f"Not found: projects/{project_id}/locations/{location}/clusters/{name}.")
        return project.clusters[(location, name)]

    def _r_project(self, query: dict, project_id: str) -> dict:
        for project in self.projects.values():
            if project_id in (project.project_id, project.number):
                return project.resource()
        raise GcpError(403, f"The caller does not have permission on projects/{project_id} (or it may not exist).")

    def _r_search_projects(self, query: dict) -> dict:
        items = [p.resource() for _, p in sorted(self.projects.items())]
        return self._paged(items, query, "pageSize", "projects")

    def _r_list_projects(self, query: dict) -> dict:
        parent = query.get("parent", "")
        items = [p.resource() for _, p in sorted(self.projects.items()) if p.parent == parent]
        return self._paged(items, query, "pageSize", "projects")

    def _r_get_iam_policy(self, query: dict, project_id: str) -> dict:
        project = self._project_or_denied(project_id)
        policy = copy.deepcopy(project.policy)
        if project.audit_configs:
            policy["auditConfigs"] = project.audit_configs
        policy["etag"] = _etag(policy)
        return policy

    def _r_service_accounts(self, query: dict, project_id: str) -> dict:
        project = self._project_or_denied(project_id)
        items = [_public(a) for _, a in sorted(project.service_accounts.items())]
        return self._paged(items, query, "pageSize", "accounts")

    def _account(self, project_id: str, email: str) -> dict:
        project = self._project_or_denied(project_id)
        for account in project.service_accounts.values():
            if email in (account["email"], account["uniqueId"]):
                return account
        raise GcpError(404, f"Unknown service account {email}")

    def _r_service_account(self, query: dict, project_id: str, email: str) -> dict:
        return _public(self._account(project_id, email))

    def _r_sa_keys(self, query: dict, project_id: str, email: str) -> dict:
        account = self._account(project_id, email)
        # keyTypes is repeated in real requests; parse_qs kept the last value, which is enough here.
        wanted = query.get("keyTypes")
        keys = [k for k in account["_keys"] if not wanted or k["keyType"] == wanted]
        return {"keys": keys} if keys else {}

    def _r_buckets(self, query: dict) -> dict:
        project_id = query.get("project", "")
        self._project_or_denied(project_id)
        items = [b["resource"] for name, b in sorted(self.buckets.items()) if b["project"] == project_id]
        if query.get("prefix"):
            items = [b for b in items if b["name"].startswith(query["prefix"])]
        return {"kind": "storage#buckets", **self._paged(items, query, "maxResults", "items")}

    def _bucket(self, name: str) -> dict:
        if name not in self.buckets:
            raise GcpError(404, "The specified bucket does not exist.")
        return self.buckets[name]

    def _r_bucket(self, query: dict, name: str) -> dict:
        return self._bucket(name)["resource"]

    def _r_bucket_iam(self, query: dict, name: str) -> dict:
        return self._bucket(name)["policy"]


def _public(account: dict) -> dict:
    return {k: v for k, v in account.items() if not k.startswith("_")}


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _verify_rs256(public_key_pem: str, signed: str, signature_b64: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_pem_public_key(public_key_pem.encode())
    try:
        key.verify(_b64decode(signature_b64), signed.encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]
    except (InvalidSignature, ValueError):
        return False
    return True


_SEG = r"([^/:]+)"
ROUTES: list[tuple[str, re.Pattern, Callable[..., dict]]] = [
    ("GET", re.compile(rf"/v1/projects/{_SEG}/locations/{_SEG}/clusters"), GcpSimulator._r_clusters),
    ("GET", re.compile(rf"/v1/projects/{_SEG}/locations/{_SEG}/clusters/{_SEG}"), GcpSimulator._r_cluster),
    ("GET", re.compile(r"/v3/projects:search"), GcpSimulator._r_search_projects),
    ("GET", re.compile(r"/v3/projects"), GcpSimulator._r_list_projects),
    ("GET", re.compile(rf"/v3/projects/{_SEG}"), GcpSimulator._r_project),
    ("POST", re.compile(rf"/v3/projects/{_SEG}:getIamPolicy"), GcpSimulator._r_get_iam_policy),
    ("POST", re.compile(rf"/v1/projects/{_SEG}:getIamPolicy"), GcpSimulator._r_get_iam_policy),
    ("GET", re.compile(rf"/v1/projects/{_SEG}/serviceAccounts"), GcpSimulator._r_service_accounts),
    ("GET", re.compile(rf"/v1/projects/{_SEG}/serviceAccounts/{_SEG}"), GcpSimulator._r_service_account),
    ("GET", re.compile(rf"/v1/projects/{_SEG}/serviceAccounts/{_SEG}/keys"), GcpSimulator._r_sa_keys),
    ("GET", re.compile(r"/storage/v1/b"), GcpSimulator._r_buckets),
    ("GET", re.compile(rf"/storage/v1/b/{_SEG}"), GcpSimulator._r_bucket),
    ("GET", re.compile(rf"/storage/v1/b/{_SEG}/iam"), GcpSimulator._r_bucket_iam),
]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "gcp-simulator"

    def log_message(self, *args: Any) -> None:
        pass

    def _any(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        simulator: GcpSimulator = self.server.simulator  # type: ignore[attr-defined]
        extra: dict[str, str] = {}
        try:
            status, data = simulator.handle(self.command, self.path, self.headers, body)
        except GcpError as exc:
            status, extra = exc.status, exc.headers
            if urlsplit(self.path).path == "/token":
                error, _, description = exc.message.partition(": ")
                data = {"error": error, "error_description": description or error}
            else:
                data = {"error": {"code": exc.status, "message": exc.message,
                                  "status": STATUS_NAMES.get(exc.status, "UNKNOWN"),
                                  "errors": [{"message": exc.message, "domain": "global",
                                              "reason": STATUS_NAMES.get(exc.status, "unknown").lower()}]}}
        except Exception as exc:  # a bug in the simulator: say so, as a 500
            status, data = 500, {"error": {"code": 500, "message": f"simulator error: {exc!r}",
                                           "status": "INTERNAL"}}
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        for key, value in extra.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any


def rsa_key_pair() -> tuple[str, str]:
    """A fresh RSA key pair for a simulated service account: (private PKCS#8 PEM, public PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def service_account_key_file(url: str, private_key: str, *, email: str, project: str,
                             key_id: str = "0123456789abcdef0123456789abcdef01234567") -> dict:
    """A service-account key file as Google issues it, but for its token_uri: the simulator's, so
    the real google-auth JWT exchange runs against it."""
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": key_id,
        "private_key": private_key,
        "client_email": email,
        "client_id": "104567890123456789012",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": f"{url}/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
    }
