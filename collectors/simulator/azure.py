"""A fake Azure Resource Manager (and Entra ID token endpoint) over local HTTPS, for the demo and
the tests. Plain Python: no Django, no Azure SDK.

It answers the requests the real azure-mgmt-* clients and azure-identity send:
- ``GET /subscriptions`` and ``GET /subscriptions/S`` (discovery, connection test);
- ``GET /subscriptions/S/providers/Microsoft.ContainerService/managedClusters``;
- ``GET /subscriptions/S/providers/Microsoft.Storage/storageAccounts``;
- ``GET /subscriptions/S/providers/Microsoft.Authorization/roleAssignments``;
- ``GET /subscriptions/S/providers/Microsoft.Authorization/roleDefinitions`` (``$filter=type eq
  'CustomRole'`` honoured);
- ``GET /{tenant}/v2.0/.well-known/openid-configuration`` and ``POST /{tenant}/oauth2/v2.0/token``
  (client credentials): a service principal authenticates through the real MSAL code path when its
  authority is this server's URL.
Every ARM request needs ``api-version`` (400 without it) and a bearer token this server issued or
was given (401 otherwise). Listings are paged with an absolute ``nextLink``.

The certificate is issued by a throwaway trustme CA: give ``ca_pem`` to the client.
"""

from __future__ import annotations

import copy
import json
import secrets
import ssl
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
BUILTIN_ROLES = {OWNER: "Owner", CONTRIBUTOR: "Contributor", READER: "Reader"}
STAMP = "2026-01-01T00:00:00.0000000Z"

CLUSTERS = "Microsoft.ContainerService/managedClusters"
STORAGE = "Microsoft.Storage/storageAccounts"
ASSIGNMENTS = "Microsoft.Authorization/roleAssignments"
DEFINITIONS = "Microsoft.Authorization/roleDefinitions"
KINDS = (CLUSTERS, STORAGE, ASSIGNMENTS, DEFINITIONS)


def role_definition_id(subscription: str, role: str) -> str:
    return f"/subscriptions/{subscription}/providers/{DEFINITIONS}/{role}"


class FakeArm:
    """In-memory subscriptions and their resources, served over HTTPS. Thread-safe."""

    def __init__(self, page_size: int = 2, *, host: str = "127.0.0.1", port: int = 0,
                 hostnames: tuple[str, ...] = ()) -> None:
        """Serves on host:port (0: any free port); its certificate also names `hostnames` (the
        name other machines reach it by, e.g. a compose service)."""
        self.page_size = page_size
        self.host, self.port, self.hostnames = host, port, tuple(hostnames)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.ca_pem = b""
        self.url = ""
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeArm:
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost", *self.hostnames)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        self.ca_pem = ca.cert_pem.bytes()
        server = _Server((self.host, self.port), _Handler)
        server.fake = self
        # The handshake happens on the first read, in the request's own thread.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        shown = self.hostnames[0] if self.hostnames else "127.0.0.1"
        self.url = f"https://{shown}:{server.server_port}"
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fake-arm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self) -> None:
        """Forget every subscription, resource, principal, token and failure."""
        with self._lock:
            self.subscriptions: dict[str, dict] = {}
            self.resources: dict[str, dict[str, dict[str, dict]]] = {}  # sub -> kind -> id -> body
            self.principals: dict[tuple[str, str], str] = {}  # (tenant, client id) -> secret
            self.tokens: set[str] = set()
            self.failures: list[list] = []  # [path prefix, status, requests still to let through]
            self.requests: list[tuple[str, str]] = []  # (method, path with query)

    # -- identities ------------------------------------------------------------------------

    def add_service_principal(self, tenant_id: str, client_id: str, client_secret: str) -> None:
        with self._lock:
            self.principals[(tenant_id.lower(), client_id.lower())] = client_secret

    def add_token(self, token: str) -> None:
        with self._lock:
            self.tokens.add(token)

    # -- the estate ------------------------------------------------------------------------

    def put_subscription(self, subscription_id: str, display_name: str = "", *, tenant_id: str = "",
                         state: str = "Enabled") -> dict:
        subscription_id = subscription_id.lower()
        body = {
            "id": f"/subscriptions/{subscription_id}",
            "subscriptionId": subscription_id,
            "tenantId": tenant_id or str(uuid.UUID(int=1)),
            "displayName": display_name or subscription_id,
            "state": state,
            "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01",
                                     "spendingLimit": "Off"},
            "authorizationSource": "RoleBased",
        }
        with self._lock:
            self.subscriptions[subscription_id] = body
            self.resources.setdefault(subscription_id, {kind: {} for kind in KINDS})
        return body

    def _put(self, subscription: str, kind: str, body: dict) -> dict:
        subscription = subscription.lower()
        with self._lock:
            if subscription not in self.subscriptions:
                self.put_subscription(subscription)
            body = copy.deepcopy(body)
            body["etag"] = f'W/"{secrets.token_hex(8)}"'
            self.resources[subscription][kind][body["id"].lower()] = body
            return copy.deepcopy(body)

    def _get(self, subscription: str, kind: str, resource_id: str) -> dict:
        with self._lock:
            return self.resources[subscription.lower()][kind][resource_id.lower()]

    def delete(self, resource_id: str) -> None:
        """Delete any resource by its ARM id."""
        with self._lock:
            for kinds in self.resources.values():
                for items in kinds.values():
                    items.pop(resource_id.lower(), None)

    def fail(self, path_prefix: str, status: int, *, after: int = 0) -> None:
        """Answer `status` to every request whose path starts with `path_prefix`, once `after`
        such requests have been answered normally (after=1: the second page fails), until heal()."""
        with self._lock:
            self.failures.append([path_prefix.lower(), status, after])

    def heal(self) -> None:
        with self._lock:
            self.failures.clear()

    def put_cluster(self, subscription: str, resource_group: str, name: str, *, location: str = "westeurope",
                    tags: dict | None = None, **properties: Any) -> dict:
        """An AKS cluster as a careful platform team builds it; keyword arguments replace
        top-level properties (e.g. disableLocalAccounts=False)."""
        rid = (f"/subscriptions/{subscription}/resourcegroups/{resource_group}/providers/"
               f"Microsoft.ContainerService/managedClusters/{name}")
        version = properties.get("kubernetesVersion", "1.30.5")
        props: dict[str, Any] = {
            "provisioningState": "Succeeded",
            "powerState": {"code": "Running"},
            "kubernetesVersion": version,
            "currentKubernetesVersion": version,
            "dnsPrefix": f"{name}-dns",
            "fqdn": f"{name}-dns-4f2a1b.hcp.{location}.azmk8s.io",
            "azurePortalFQDN": f"{name}-dns-4f2a1b.portal.hcp.{location}.azmk8s.io",
            "agentPoolProfiles": [
                agent_pool("system", mode="System", version=version),
                agent_pool("workers", mode="User", version=version, count=4, vm_size="Standard_D8s_v5"),
            ],
            "nodeResourceGroup": f"MC_{resource_group}_{name}_{location}",
            "enableRBAC": True,
            "supportPlan": "KubernetesOfficial",
            "networkProfile": {
                "networkPlugin": "azure", "networkPolicy": "calico", "networkDataplane": "azure",
                "loadBalancerSku": "standard", "outboundType": "loadBalancer",
                "serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.0.0.10",
                "serviceCidrs": ["10.0.0.0/16"], "ipFamilies": ["IPv4"],
                "loadBalancerProfile": {"managedOutboundIPs": {"count": 1},
                                        "effectiveOutboundIPs": [{"id": f"/subscriptions/{subscription}/"
                                                                  f"resourceGroups/MC_{resource_group}/providers/"
                                                                  "Microsoft.Network/publicIPAddresses/out-1"}]},
            },
            "aadProfile": {"managed": True, "enableAzureRBAC": True,
                           "adminGroupObjectIDs": ["5f8a1d1e-0000-4000-8000-00000000aa01"],
                           "tenantID": "00000000-0000-0000-0000-000000000001"},
            "apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24", "198.51.100.0/24"],
                                       "enablePrivateCluster": False},
            "disableLocalAccounts": True,
            "addonProfiles": {"azurepolicy": {"enabled": True, "config": {"version": "v2"}},
                              "omsagent": {"enabled": False}},
            "securityProfile": {"defender": {"securityMonitoring": {"enabled": True}}},
            "maxAgentPools": 100,
        }
        props.update(properties)
        body = {
            "id": rid, "location": location, "name": name, "type": "Microsoft.ContainerService/ManagedClusters",
            "tags": tags if tags is not None else {"env": "prod", "team": "platform"},
            "sku": {"name": "Base", "tier": "Standard"},
            "identity": {"type": "SystemAssigned", "principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, rid)),
                         "tenantId": "00000000-0000-0000-0000-000000000001"},
            "properties": props,
            "systemData": {"createdAt": "2026-01-01T00:00:00Z", "lastModifiedAt": "2026-01-01T00:00:00Z"},
        }
        return self._put(subscription, CLUSTERS, body)

    def update_cluster(self, resource_id: str, **properties: Any) -> dict:
        """Change top-level properties of an existing cluster (a dict value replaces the whole key)."""
        subscription = resource_id.split("/")[2]
        with self._lock:
            body = copy.deepcopy(self._get(subscription, CLUSTERS, resource_id))
            body["properties"].update(properties)
            return self._put(subscription, CLUSTERS, body)

    def put_storage_account(self, subscription: str, resource_group: str, name: str, *,
                            location: str = "westeurope", tags: dict | None = None, sku: str = "Standard_ZRS",
                            **properties: Any) -> dict:
        rid = f"/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/{STORAGE}/{name}"
        blob = f"https://{name}.blob.core.windows.net/"
        props: dict[str, Any] = {
            "provisioningState": "Succeeded",
            "creationTime": "2026-01-01T00:00:00.0000000Z",
            "keyCreationTime": {"key1": "2026-01-01T00:00:00.0000000Z", "key2": "2026-01-01T00:00:00.0000000Z"},
            "primaryEndpoints": {"blob": blob, "queue": f"https://{name}.queue.core.windows.net/",
                                 "table": f"https://{name}.table.core.windows.net/",
                                 "file": f"https://{name}.file.core.windows.net/",
                                 "dfs": f"https://{name}.dfs.core.windows.net/",
                                 "web": f"https://{name}.z6.web.core.windows.net/"},
            "primaryLocation": location,
            "statusOfPrimary": "available",
            "supportsHttpsTrafficOnly": True,
            "minimumTlsVersion": "TLS1_2",
            "allowBlobPublicAccess": False,
            "allowSharedKeyAccess": False,
            "allowCrossTenantReplication": False,
            "publicNetworkAccess": "Disabled",
            "networkAcls": {"bypass": "AzureServices", "virtualNetworkRules": [],
                            "ipRules": [{"value": "203.0.113.10", "action": "Allow"}], "defaultAction": "Deny"},
            "encryption": {
                "services": {"blob": {"enabled": True, "keyType": "Account", "lastEnabledTime": STAMP},
                             "file": {"enabled": True, "keyType": "Account", "lastEnabledTime": STAMP}},
                "keySource": "Microsoft.Storage", "requireInfrastructureEncryption": True,
            },
            "accessTier": "Hot",
        }
        props.update(properties)
        body = {
            "id": rid, "name": name, "type": STORAGE, "location": location,
            "tags": tags if tags is not None else {"env": "prod"},
            "sku": {"name": sku, "tier": "Standard"}, "kind": "StorageV2",
            "properties": props,
        }
        return self._put(subscription, STORAGE, body)

    def update_storage_account(self, resource_id: str, **properties: Any) -> dict:
        subscription = resource_id.split("/")[2]
        with self._lock:
            body = copy.deepcopy(self._get(subscription, STORAGE, resource_id))
            body["properties"].update(properties)
            return self._put(subscription, STORAGE, body)

    def put_role_assignment(self, subscription: str, principal_id: str, role: str = READER, *,
                            principal_type: str = "User", scope: str = "", name: str = "",
                            description: str | None = None) -> dict:
        """Assign a role (a built-in role GUID, or a full role definition id) at `scope`
        (default: the subscription)."""
        scope = scope or f"/subscriptions/{subscription}"
        name = name or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{scope}|{principal_id}|{role}"))
        role_id = role if role.startswith("/") else role_definition_id(subscription, role)
        body = {
            "id": f"{scope}/providers/{ASSIGNMENTS}/{name}", "name": name, "type": ASSIGNMENTS,
            "properties": {
                "roleDefinitionId": role_id, "principalId": principal_id, "principalType": principal_type,
                "scope": scope, "description": description, "condition": None, "conditionVersion": None,
                "createdOn": "2026-01-01T00:00:00.0000000Z", "updatedOn": "2026-01-01T00:00:00.0000000Z",
                "createdBy": "11111111-1111-4111-8111-111111111111",
                "updatedBy": "11111111-1111-4111-8111-111111111111",
                "delegatedManagedIdentityResourceId": None,
            },
        }
        return self._put(subscription, ASSIGNMENTS, body)

    def put_role_definition(self, subscription: str, role_name: str, actions: list[str], *, name: str = "",
                            not_actions: list[str] | None = None, data_actions: list[str] | None = None,
                            description: str = "", assignable_scopes: list[str] | None = None) -> dict:
        """A custom role (type CustomRole)."""
        name = name or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{subscription}|{role_name}"))
        body = {
            "id": role_definition_id(subscription, name), "name": name, "type": DEFINITIONS,
            "properties": {
                "roleName": role_name, "type": "CustomRole", "description": description,
                "assignableScopes": assignable_scopes or [f"/subscriptions/{subscription}"],
                "permissions": [{"actions": list(actions), "notActions": list(not_actions or []),
                                 "dataActions": list(data_actions or []), "notDataActions": []}],
                "createdOn": "2026-01-01T00:00:00.0000000Z", "updatedOn": "2026-01-01T00:00:00.0000000Z",
                "createdBy": "11111111-1111-4111-8111-111111111111",
                "updatedBy": "11111111-1111-4111-8111-111111111111",
            },
        }
        return self._put(subscription, DEFINITIONS, body)

    def _builtin_roles(self, subscription: str) -> list[dict]:
        return [{
            "id": role_definition_id(subscription, guid), "name": guid, "type": DEFINITIONS,
            "properties": {"roleName": role, "type": "BuiltInRole", "description": f"Built-in {role}",
                           "assignableScopes": ["/"],
                           "permissions": [{"actions": ["*"] if role != "Reader" else ["*/read"],
                                            "notActions": [], "dataActions": [], "notDataActions": []}],
                           "createdOn": "2015-02-02T21:55:09.8806423Z", "updatedOn": "2021-11-11T20:13:47Z"},
        } for guid, role in BUILTIN_ROLES.items()]

    # -- serving ---------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, list[str]], headers: Any,
               body: bytes) -> tuple[int, dict, Any]:
        """(status, extra headers, JSON body) for one request."""
        lowered = path.lower()
        with self._lock:
            self.requests.append((method, path + (f"?{urlencode(query, doseq=True)}" if query else "")))
            for failure in self.failures:
                prefix, status, spared = failure
                if lowered.startswith(prefix) and spared > 0:
                    failure[2] -= 1
                elif lowered.startswith(prefix):
                    extra = {"Retry-After": "1"} if status == 429 else {}
                    return status, extra, _error("InjectedFailure" if status != 429 else "TooManyRequests",
                                                 f"simulated failure {status}")
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[1] == "v2.0" and parts[-1] == "openid-configuration":
            return 200, {}, self._openid(parts[0])
        if parts[:2] == ["common", "discovery"]:
            return 200, {}, {"tenant_discovery_endpoint": f"{self.url}/common/v2.0/.well-known/openid-configuration",
                             "api-version": "1.1", "metadata": []}
        if method == "POST" and len(parts) == 4 and parts[1:] == ["oauth2", "v2.0", "token"]:
            return self._token(parts[0], parse_qs(body.decode("utf-8", "replace")))
        if "api-version" not in query:
            return 400, {}, _error("MissingApiVersionParameter",
                                   "The api-version query parameter (?api-version=) is required for all requests.")
        auth = headers.get("Authorization", "")
        with self._lock:
            known = auth.startswith("Bearer ") and auth[7:] in self.tokens
        if not known:
            challenge = 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token"'
            return 401, {"WWW-Authenticate": challenge}, \
                _error("InvalidAuthenticationToken", "The access token is invalid.")
        if method != "GET":
            return 405, {}, _error("MethodNotAllowed", "The simulator is read-only over HTTP.")
        return self._arm(path, parts, query)

    def _openid(self, tenant: str) -> dict:
        base = f"{self.url}/{tenant}"
        return {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "issuer": f"{base}/v2.0",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "tenant_region_scope": "EU",
        }

    def _token(self, tenant: str, form: dict[str, list[str]]) -> tuple[int, dict, Any]:
        def field(name: str) -> str:
            return (form.get(name) or [""])[0]

        with self._lock:
            secret = self.principals.get((tenant.lower(), field("client_id").lower()))
            if field("grant_type") != "client_credentials" or secret is None or secret != field("client_secret"):
                return 401, {}, {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being "
                                         "sent in the request is the client secret value.",
                    "error_codes": [7000215],
                }
            token = secrets.token_urlsafe(32)
            self.tokens.add(token)
        return 200, {}, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}

    def _arm(self, path: str, parts: list[str], query: dict[str, list[str]]) -> tuple[int, dict, Any]:
        if parts == ["subscriptions"]:
            with self._lock:
                items = [copy.deepcopy(s) for s in self.subscriptions.values()]
            return 200, {}, self._page(path, query, items)
        if len(parts) < 2 or parts[0].lower() != "subscriptions":
            return 404, {}, _error("NotFound", "The requested resource was not found.")
        subscription = parts[1].lower()
        with self._lock:
            found = copy.deepcopy(self.subscriptions.get(subscription))
        if found is None:
            return 404, {}, _error("SubscriptionNotFound", f"The subscription '{parts[1]}' could not be found.")
        if len(parts) == 2:
            return 200, {}, found
        kind = "/".join(parts[3:5]) if len(parts) == 5 and parts[2].lower() == "providers" else ""
        match = {k.lower(): k for k in KINDS}.get(kind.lower())
        if match is None:
            return 404, {}, _error("InvalidResourceType", f"The resource type '{kind}' could not be found.")
        with self._lock:
            items = [copy.deepcopy(item) for item in self.resources[subscription][match].values()]
        if match == DEFINITIONS:
            items = self._builtin_roles(subscription) + items
            wanted = " ".join((query.get("$filter") or [""])[0].split()).lower()
            if wanted == "type eq 'customrole'":
                items = [i for i in items if i["properties"]["type"] == "CustomRole"]
        return 200, {}, self._page(path, query, items)

    def _page(self, path: str, query: dict[str, list[str]], items: list[dict]) -> dict:
        items.sort(key=lambda item: item.get("id", "").lower())
        start = int((query.get("$skiptoken") or ["0"])[0] or 0)
        page = {"value": items[start:start + self.page_size]}
        if start + self.page_size < len(items):
            following = {k: v for k, v in query.items() if k != "$skiptoken"}
            following["$skiptoken"] = [str(start + self.page_size)]
            page["nextLink"] = f"{self.url}{path}?{urlencode(following, doseq=True)}"
        return page


def agent_pool(name: str, *, mode: str = "User", version: str = "1.30.5", count: int = 3,
               vm_size: str = "Standard_D4s_v5", **extra: Any) -> dict:
    pool = {
        "name": name, "count": count, "vmSize": vm_size, "osDiskSizeGB": 128, "osDiskType": "Managed",
        "kubeletDiskType": "OS", "maxPods": 30, "type": "VirtualMachineScaleSets", "availabilityZones": ["3", "1", "2"],
        "maxCount": 10, "minCount": 2, "enableAutoScaling": True, "provisioningState": "Succeeded",
        "powerState": {"code": "Running"}, "orchestratorVersion": version, "currentOrchestratorVersion": version,
        "enableNodePublicIP": False, "mode": mode, "osType": "Linux", "osSKU": "AzureLinux",
        "nodeImageVersion": "AKSAzureLinux-V2gen2-202601.10.0", "enableFIPS": False,
    }
    pool.update(extra)
    return pool


def _error(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeArm


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:
        pass

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ssl.SSLError, ConnectionError):
            self.close_connection = True

    def _any(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        status, headers, payload = self.server.fake.handle(self.command, url.path, query, self.headers, body)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("x-ms-request-id", str(uuid.uuid4()))
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any
