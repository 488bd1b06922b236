"""CIS Google Cloud Platform Foundation Benchmark v4.0.0: every control against passing and failing
configs shaped exactly as the GCP collectors record them:
- the project IAM policy as getIamPolicy's REST JSON parsed into google.iam.v1's Policy message (unknown
  fields refused) and rendered with the collector's message_dict, "bindings" defaulted;
- a service account as serviceAccounts.list's item plus its USER_MANAGED keys;
- a bucket as buckets.get (projection=full) plus its IAM policy through google-api-core's Policy, as the
  storage client hands it over;
each then normalized as ingest stores it (volatile fields dropped, sets and keyed lists sorted)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from google.api_core.iam import Policy
from google.iam.v1 import policy_pb2
from google.protobuf.json_format import ParseDict

from collectors.gcp.session import message_dict
from collectors.simulator.gcp import GcpSimulator
from cspm.compliance.controls import CONTROLS, ERROR, FAIL, NOT_APPLICABLE, PASS
from cspm.drift.diff import diff_view
from cspm.drift.normalize import normalize
from tests.unit.compliance import support
from tests.unit.compliance.support import Edit, both, patch, verdicts

BENCH = "cis_gcp"
POLICY, ACCOUNT, BUCKET = "gcp.iam.project_policy", "gcp.iam.service_account", "gcp.storage.bucket"
PROJECT, NUMBER = "acme-prod-123", "123456789012"
ENGINE_AGENT = f"serviceAccount:service-{NUMBER}@container-engine-robot.iam.gserviceaccount.com"

# A well-kept project: people in groups, service accounts with narrow roles, Google's own agents and default
# accounts with what Google grants them, Data Access logs on for every service.
POLICY_REST: dict[str, Any] = {
    "version": 3,
    "etag": "BwYhT0eFoQI=",
    "bindings": [
        {"role": "roles/owner", "members": ["group:platform-admins@acme.example"]},
        {"role": "roles/editor", "members": [f"serviceAccount:{NUMBER}-compute@developer.gserviceaccount.com",
                                             f"serviceAccount:{NUMBER}@cloudservices.gserviceaccount.com",
                                             f"serviceAccount:{PROJECT}@appspot.gserviceaccount.com"]},
        {"role": "roles/container.serviceAgent", "members": [ENGINE_AGENT]},
        {"role": "roles/artifactregistry.serviceAgent",
         "members": [f"serviceAccount:service-{NUMBER}@gcp-sa-artifactregistry.iam.gserviceaccount.com"]},
        {"role": "roles/container.developer", "members": ["group:payments-eng@acme.example",
                                                          "user:alice@acme.example"]},
        {"role": "roles/logging.logWriter", "members": [f"serviceAccount:gke-nodes@{PROJECT}.iam.gserviceaccount.com"]},
        {"role": "roles/monitoring.metricWriter",
         "members": [f"serviceAccount:gke-nodes@{PROJECT}.iam.gserviceaccount.com"]},
        {"role": "roles/iam.serviceAccountAdmin", "members": ["group:iam-admins@acme.example"]},
        {"role": "roles/iam.serviceAccountUser",
         "members": ["serviceAccount:deployer@acme-ci-456.iam.gserviceaccount.com"]},
        {"role": "roles/cloudkms.admin", "members": ["group:security-admins@acme.example"]},
        {"role": "roles/cloudkms.cryptoKeyEncrypterDecrypter", "members": [ENGINE_AGENT]},
        {"role": "roles/storage.admin", "members": ["group:data-platform@acme.example"]},
        {"role": "roles/viewer", "members": ["group:auditors@acme.example", "user:bob@acme.example"]},
        {"role": "roles/storage.objectViewer",
         "members": [f"serviceAccount:reporting@{PROJECT}.iam.gserviceaccount.com"],
         "condition": {"title": "reports only",
                       "expression": "resource.name.startsWith(\"projects/_/buckets/acme-reports\")"}},
    ],
    "auditConfigs": [
        {"service": "allServices", "auditLogConfigs": [{"logType": "ADMIN_READ"}, {"logType": "DATA_READ"},
                                                       {"logType": "DATA_WRITE"}]},
    ],
}

KEY_NAME = f"projects/{PROJECT}/serviceAccounts/deployer@{PROJECT}.iam.gserviceaccount.com/keys/"
ACCOUNT_REST: dict[str, Any] = {
    "name": f"projects/{PROJECT}/serviceAccounts/deployer@{PROJECT}.iam.gserviceaccount.com",
    "projectId": PROJECT,
    "uniqueId": "104567890123456789012",
    "email": f"deployer@{PROJECT}.iam.gserviceaccount.com",
    "displayName": "CI deployer",
    "description": "Deploys the payments services from Cloud Build",
    "etag": "MDEwMjE5MjA=",
    "oauth2ClientId": "104567890123456789012",
}


def sa_key(key_id: str, **extra: Any) -> dict:
    return {"name": KEY_NAME + key_id, "validAfterTime": "2026-02-01T10:00:00Z",
            "validBeforeTime": "9999-12-31T23:59:59Z", "keyAlgorithm": "KEY_ALG_RSA_2048",
            "keyOrigin": "GOOGLE_PROVIDED", "keyType": "USER_MANAGED", **extra}


def acl(entity: str, role: str, kind: str = "bucketAccessControl") -> dict:
    entry = {"kind": f"storage#{kind}", "entity": entity, "role": role, "etag": "CAM="}
    if kind == "bucketAccessControl":
        entry.update({"id": f"acme-prod-data/{entity}", "bucket": "acme-prod-data",
                      "selfLink": f"https://www.googleapis.com/storage/v1/b/acme-prod-data/acl/{entity}"})
    if entity.startswith("project-"):
        entry["projectTeam"] = {"projectNumber": NUMBER, "team": entity.split("-")[1]}
    return entry


BUCKET_REST: dict[str, Any] = {
    "kind": "storage#bucket",
    "selfLink": "https://www.googleapis.com/storage/v1/b/acme-prod-data",
    "id": "acme-prod-data",
    "name": "acme-prod-data",
    "projectNumber": NUMBER,
    "generation": "1741080600123456",
    "metageneration": "3",
    "location": "EU",
    "storageClass": "STANDARD",
    "etag": "CAM=",
    "timeCreated": "2025-03-04T09:30:00.123Z",
    "updated": "2025-06-01T12:00:00.456Z",
    "softDeletePolicy": {"retentionDurationSeconds": "604800", "effectiveTime": "2025-03-04T09:30:00.123Z"},
    "iamConfiguration": {
        "bucketPolicyOnly": {"enabled": True, "lockedTime": "2025-06-02T09:30:00.123Z"},
        "uniformBucketLevelAccess": {"enabled": True, "lockedTime": "2025-06-02T09:30:00.123Z"},
        "publicAccessPrevention": "enforced",
    },
    "locationType": "multi-region",
    "rpo": "DEFAULT",
    "versioning": {"enabled": True},
    "logging": {"logBucket": "acme-prod-access-logs", "logObjectPrefix": "acme-prod-data"},
    "encryption": {"defaultKmsKeyName": f"projects/{PROJECT}/locations/eu/keyRings/storage/cryptoKeys/data"},
    "labels": {"env": "prod", "team": "data"},
    "owner": {"entity": f"project-owners-{NUMBER}"},
}
BUCKET_POLICY: dict[str, Any] = {
    "kind": "storage#policy",
    "resourceId": "projects/_/buckets/acme-prod-data",
    "version": 1,
    "etag": "CAM=",
    "bindings": [
        {"role": "roles/storage.legacyBucketOwner", "members": [f"projectEditor:{PROJECT}", f"projectOwner:{PROJECT}"]},
        {"role": "roles/storage.legacyBucketReader", "members": [f"projectViewer:{PROJECT}"]},
        {"role": "roles/storage.objectViewer", "members": ["group:data-readers@acme.example"]},
    ],
}
# The same bucket before uniform access: ACLs are listed (projection=full) and apply.
FINE_GRAINED = {
    "iamConfiguration": {"bucketPolicyOnly": {"enabled": False, "lockedTime": None},
                         "uniformBucketLevelAccess": {"enabled": False, "lockedTime": None},
                         "publicAccessPrevention": "inherited"},
    "acl": [acl(f"project-owners-{NUMBER}", "OWNER"), acl(f"project-editors-{NUMBER}", "OWNER"),
            acl(f"project-viewers-{NUMBER}", "READER")],
    "defaultObjectAcl": [acl(f"project-owners-{NUMBER}", "OWNER", "objectAccessControl"),
                         acl(f"project-viewers-{NUMBER}", "READER", "objectAccessControl")],
}


# -- as the collectors record them ------------------------------------------------------------------------

def collected_policy(rest: dict) -> dict:
    message = policy_pb2.Policy()
    ParseDict(rest, message)  # unknown fields raise
    config = message_dict(message)
    config.setdefault("bindings", [])
    return normalize(POLICY, config)


def collected_account(account: dict, keys: list[dict] | None) -> dict:
    """None keys: the key listing was denied (a gap on "keys")."""
    config = dict(account)
    if keys is not None:
        config["keys"] = sorted((k for k in keys if k.get("keyType", "USER_MANAGED") == "USER_MANAGED"),
                                key=lambda k: k.get("name", ""))
    return normalize(ACCOUNT, config)


def collected_bucket(resource: dict, policy: dict | None) -> dict:
    """None policy: getIamPolicy was denied (a gap on "iamPolicy")."""
    config = dict(resource)
    if policy is not None:
        config["iamPolicy"] = Policy.from_api_repr(copy.deepcopy(policy)).to_api_repr()
    return normalize(BUCKET, config)


def grant(role: str, member: str) -> Edit:
    def edit(rest: dict) -> None:
        for binding in rest["bindings"]:
            if binding["role"] == role and "condition" not in binding:
                binding["members"].append(member)
                return
        rest["bindings"].append({"role": role, "members": [member]})
    return edit


def policy_config(edit: Edit | None = None) -> dict:
    rest = copy.deepcopy(POLICY_REST)
    if edit is not None:
        edit(rest)
    return collected_policy(rest)


def account_config(keys: list[dict] | None) -> dict:
    return collected_account(copy.deepcopy(ACCOUNT_REST), copy.deepcopy(keys))


def bucket_config(edit: Edit | None = None, policy_edit: Edit | None = None, *, policy: bool = True) -> dict:
    resource, iam = copy.deepcopy(BUCKET_REST), copy.deepcopy(BUCKET_POLICY)
    if edit is not None:
        edit(resource)
    if policy_edit is not None:
        policy_edit(iam)
    return collected_bucket(resource, iam if policy else None)


def members_of(role: str) -> Callable[[dict], str]:
    """The pointer of a role's binding in the stored (sorted) policy."""
    def pointer(config: dict) -> str:
        bindings = config["iamPolicy"]["bindings"] if "iamPolicy" in config else config["bindings"]
        index = next(i for i, b in enumerate(bindings) if b["role"] == role)
        return ("/iamPolicy" if "iamPolicy" in config else "") + f"/bindings/{index}/members"
    return pointer


def check(ref: str, config: Any):
    return CONTROLS[f"{BENCH}-4.0.0-{ref}"].check(config)


PUBLIC_READ = patch({"iamConfiguration": {"publicAccessPrevention": "inherited"}})
Path = str | Callable[[dict], str] | None

# (ref, case, config factory, expected status, expected path: a pointer, a pointer of the config, or None)
CASES: list[tuple[str, str, Callable[[], dict], str, Path]] = [
    ("1.1", "corporate accounts only", lambda: policy_config(), PASS, "/bindings"),
    ("1.1", "a Gmail user", lambda: policy_config(grant("roles/viewer", "user:jane.doe1987@gmail.com")), FAIL,
     members_of("roles/viewer")),
    ("1.1", "a googlemail group", lambda: policy_config(grant("roles/container.developer",
                                                             "group:contractors@googlemail.com")),
     FAIL, members_of("roles/container.developer")),

    ("1.4", "no user-managed key", lambda: account_config([]), PASS, "/keys"),
    ("1.4", "only Google-managed keys listed", lambda: account_config([sa_key("aa" * 20, keyType="SYSTEM_MANAGED")]),
     PASS, "/keys"),
    ("1.4", "a user-managed key", lambda: account_config([sa_key("0123456789abcdef0123456789abcdef01234567")]),
     FAIL, "/keys/0"),
    ("1.4", "a disabled user-managed key", lambda: account_config([sa_key("bb" * 20, disabled=True)]), FAIL, "/keys/0"),
    ("1.4", "keys not collected", lambda: account_config(None), NOT_APPLICABLE, None),

    ("1.5", "narrow roles; Google's agents and default accounts excluded", lambda: policy_config(), PASS, "/bindings"),
    ("1.5", "a service account with Editor",
     lambda: policy_config(grant("roles/editor", f"serviceAccount:etl@{PROJECT}.iam.gserviceaccount.com")),
     FAIL, members_of("roles/editor")),
    ("1.5", "a service account with an admin role",
     lambda: policy_config(grant("roles/compute.instanceAdmin.v1",
                                 "serviceAccount:deployer@acme-ci-456.iam.gserviceaccount.com")),
     FAIL, members_of("roles/compute.instanceAdmin.v1")),
    ("1.5", "a service account with a custom admin role",
     lambda: policy_config(grant(f"projects/{PROJECT}/roles/bucketAdmin",
                                 f"serviceAccount:etl@{PROJECT}.iam.gserviceaccount.com")),
     FAIL, members_of(f"projects/{PROJECT}/roles/bucketAdmin")),

    ("1.6", "only a service account holds Service Account User", lambda: policy_config(), PASS, "/bindings"),
    ("1.6", "a user holds Service Account User",
     lambda: policy_config(grant("roles/iam.serviceAccountUser", "user:alice@acme.example")), FAIL,
     members_of("roles/iam.serviceAccountUser")),
    ("1.6", "a group holds Token Creator",
     lambda: policy_config(grant("roles/iam.serviceAccountTokenCreator", "group:payments-eng@acme.example")), FAIL,
     members_of("roles/iam.serviceAccountTokenCreator")),

    ("1.8", "admins do not use service accounts", lambda: policy_config(), PASS, "/bindings"),
    ("1.8", "a group holds Service Account Admin and User",
     lambda: policy_config(grant("roles/iam.serviceAccountUser", "group:iam-admins@acme.example")), FAIL,
     members_of("roles/iam.serviceAccountAdmin")),

    ("1.11", "KMS admins do not use keys", lambda: policy_config(), PASS, "/bindings"),
    ("1.11", "a user holds Cloud KMS Admin and Encrypter/Decrypter",
     lambda: policy_config(both(grant("roles/cloudkms.admin", "user:carol@acme.example"),
                                grant("roles/cloudkms.cryptoKeyDecrypter", "user:carol@acme.example"))),
     FAIL, members_of("roles/cloudkms.admin")),

    ("2.1", "allServices DATA_READ and DATA_WRITE", lambda: policy_config(), PASS, "/auditConfigs"),
    ("2.1", "an exempted member", lambda: policy_config(patch({"auditConfigs": [
        {"service": "allServices", "auditLogConfigs": [
            {"logType": "DATA_READ", "exemptedMembers": ["user:bob@acme.example"]}, {"logType": "DATA_WRITE"}]}]})),
     FAIL, "/auditConfigs/0/auditLogConfigs/0/exemptedMembers"),
    ("2.1", "an exemption on one service", lambda: policy_config(patch({"auditConfigs": [
        *POLICY_REST["auditConfigs"],
        {"service": "storage.googleapis.com", "auditLogConfigs": [
            {"logType": "DATA_READ",
             "exemptedMembers": [f"serviceAccount:etl@{PROJECT}.iam.gserviceaccount.com"]}]}]})),
     FAIL, "/auditConfigs/1/auditLogConfigs/0/exemptedMembers"),
    ("2.1", "none on the project (may be inherited)", lambda: policy_config(patch({"auditConfigs": None})),
     NOT_APPLICABLE, None),
    ("2.1", "DATA_WRITE only", lambda: policy_config(patch({"auditConfigs": [
        {"service": "allServices", "auditLogConfigs": [{"logType": "DATA_WRITE"}]}]})), NOT_APPLICABLE, None),

    ("5.1", "public access prevention enforced", lambda: bucket_config(), PASS,
     "/iamConfiguration/publicAccessPrevention"),
    ("5.1", "inherited prevention, no public grant", lambda: bucket_config(PUBLIC_READ), PASS, "/iamPolicy"),
    ("5.1", "an empty IAM policy", lambda: bucket_config(PUBLIC_READ, patch({"bindings": []})), PASS, "/iamPolicy"),
    ("5.1", "prevention enforced blocks an allUsers grant",
     lambda: bucket_config(None, grant("roles/storage.objectViewer", "allUsers")), PASS,
     "/iamConfiguration/publicAccessPrevention"),
    ("5.1", "allUsers object viewer", lambda: bucket_config(PUBLIC_READ, grant("roles/storage.objectViewer",
                                                                             "allUsers")),
     FAIL, members_of("roles/storage.objectViewer")),
    ("5.1", "allAuthenticatedUsers legacy reader",
     lambda: bucket_config(PUBLIC_READ, grant("roles/storage.legacyBucketReader", "allAuthenticatedUsers")),
     FAIL, members_of("roles/storage.legacyBucketReader")),
    ("5.1", "a public bucket ACL", lambda: bucket_config(patch({**FINE_GRAINED, "acl": [
        *FINE_GRAINED["acl"], acl("allUsers", "READER")]})), FAIL, "/acl/0/entity"),
    ("5.1", "a public default object ACL", lambda: bucket_config(patch({**FINE_GRAINED, "defaultObjectAcl": [
        *FINE_GRAINED["defaultObjectAcl"], acl("allAuthenticatedUsers", "READER", "objectAccessControl")]})),
     FAIL, "/defaultObjectAcl/0/entity"),
    ("5.1", "IAM policy not collected", lambda: bucket_config(PUBLIC_READ, policy=False), NOT_APPLICABLE, None),

    ("5.2", "uniform access", lambda: bucket_config(), PASS, "/iamConfiguration/uniformBucketLevelAccess/enabled"),
    ("5.2", "fine-grained ACLs", lambda: bucket_config(patch(FINE_GRAINED)), FAIL,
     "/iamConfiguration/uniformBucketLevelAccess/enabled"),
    ("5.2", "not reported", lambda: bucket_config(patch({"iamConfiguration": None})), NOT_APPLICABLE, None),
]


@pytest.mark.parametrize(("ref", "make", "status", "path"), [pytest.param(r, m, s, p, id=f"{r} {c}")
                                                             for r, c, m, s, p in CASES])
def test_control(ref, make, status, path):
    config = make()
    support.assert_verdict(check(ref, config), status, path(config) if callable(path) else path)


def test_every_control_is_tested_with_a_passing_and_a_failing_config():
    declared = {c.ref for c in CONTROLS.values() if c.benchmark.key == BENCH}
    support.assert_covered(declared, {(ref, status) for ref, _, _, status, _ in CASES})


def test_the_benchmark_and_its_controls():
    controls = {c.ref: c for c in CONTROLS.values() if c.benchmark.key == BENCH}
    assert len(controls) == 9
    for item in controls.values():
        assert item.benchmark.title == "CIS Google Cloud Platform Foundation Benchmark"
        assert item.benchmark.version == "4.0.0" and item.benchmark.provider == "gcp"
        assert "gcloud " in item.cli and " > " in item.console
    assert {ref for ref, c in controls.items() if c.resource_types == (ACCOUNT,)} == {"1.4"}
    assert {ref for ref, c in controls.items() if c.resource_types == (BUCKET,)} == {"5.1", "5.2"}
    assert {ref for ref, c in controls.items() if c.resource_types == (POLICY,)} == {"1.1", "1.5", "1.6", "1.8",
                                                                                    "1.11", "2.1"}
    assert controls["5.1"].severity == "critical"


def test_the_failure_names_every_offender():
    config = policy_config(both(grant("roles/editor", f"serviceAccount:etl@{PROJECT}.iam.gserviceaccount.com"),
                                grant("roles/storage.admin", f"serviceAccount:etl@{PROJECT}.iam.gserviceaccount.com"),
                                grant("roles/owner", "serviceAccount:ci@acme-ci-456.iam.gserviceaccount.com")))
    detail = check("1.5", config).detail
    assert f"etl@{PROJECT}.iam.gserviceaccount.com holds roles/editor, roles/storage.admin" in detail
    assert "ci@acme-ci-456.iam.gserviceaccount.com holds roles/owner" in detail
    assert "compute@developer" not in detail and "container-engine-robot" not in detail


def test_bindings_keyed_by_role_in_the_diff_view_give_named_paths():
    config = diff_view(POLICY, policy_config(grant("roles/viewer", "user:jane@gmail.com")))
    assert isinstance(config["bindings"], dict)
    assert check("1.1", config).path == "/bindings/roles~1viewer/members"
    bucket = diff_view(BUCKET, bucket_config(PUBLIC_READ, grant("roles/storage.objectViewer", "allUsers")))
    assert check("5.1", bucket).path == "/iamPolicy/bindings/roles~1storage.objectViewer/members"


# -- the simulator's resources and its drift kinds --------------------------------------------------------

def simulated_bucket(drift: Callable[[GcpSimulator], None] | None = None) -> dict:
    server = GcpSimulator()  # never started: only its in-memory estate is used
    server.put_bucket(PROJECT, "acme-prod-data")
    if drift is not None:
        drift(server)
    stored = server.buckets["acme-prod-data"]
    return collected_bucket(copy.deepcopy(stored["resource"]), stored["policy"])


def simulated_account(with_key: bool) -> dict:
    server = GcpSimulator()
    email = server.put_service_account(PROJECT, "deployer")
    if with_key:
        server.add_sa_key(PROJECT, email, key_id="a" * 40)
    account = server.projects[PROJECT].service_accounts[email]
    return collected_account({k: v for k, v in account.items() if not k.startswith("_")}, account["_keys"])


def test_the_simulators_bucket_passes_and_made_public_fails():
    assert check("5.1", simulated_bucket()).status == PASS
    assert check("5.2", simulated_bucket()).status == PASS
    public = simulated_bucket(lambda s: s.make_bucket_public("acme-prod-data"))
    verdict = check("5.1", public)
    assert verdict.status == FAIL and verdict.path == members_of("roles/storage.objectViewer")(public)
    assert verdict.detail == "allUsers holds roles/storage.objectViewer"


def test_the_simulators_service_account_key_fails():
    assert check("1.4", simulated_account(with_key=False)).status == PASS  # its Google-managed key is not listed
    assert check("1.4", simulated_account(with_key=True)).status == FAIL


def test_the_simulators_project_policy():
    server = GcpSimulator()
    server.project(PROJECT)
    server.add_iam_member(PROJECT, "roles/viewer", "user:engineer0001@example.com")
    config = collected_policy(server._r_get_iam_policy({}, PROJECT))
    results = {cid: v.status for cid, v in verdicts(POLICY, config, BENCH).items()}
    # No audit config on the simulated project: 2.1 cannot tell (the organization may set it).
    assert results == {f"{BENCH}-4.0.0-{r}": PASS for r in ("1.1", "1.5", "1.6", "1.8", "1.11")} | {
        f"{BENCH}-4.0.0-2.1": NOT_APPLICABLE}


# -- configs that are not what the collectors record ------------------------------------------------------

def of(type_key: str) -> set[str]:
    return {c.id for c in CONTROLS.values() if c.benchmark.key == BENCH and type_key in c.resource_types}


GARBAGE: dict[str, list[Any]] = {
    POLICY: [{}, {"bindings": "roles/owner"}, {"bindings": 7, "auditConfigs": 7}, {"bindings": None},
             {"bindings": ["roles/owner"], "auditConfigs": ["allServices"]},
             {"bindings": [{"role": 1, "members": ["user:a@gmail.com"]}], "auditConfigs": [{"service": 1}]},
             {"bindings": [{"role": "roles/editor", "members": "serviceAccount:x@p.iam.gserviceaccount.com"}],
              "auditConfigs": [{"service": "allServices", "auditLogConfigs": "DATA_READ"}]},
             {"bindings": [{"role": "roles/viewer", "members": [None, 5]}],
              "auditConfigs": [{"service": "allServices", "auditLogConfigs": [
                  {"logType": "DATA_READ", "exemptedMembers": "user:a@acme.example"}, {"logType": 1}]}]}],
    ACCOUNT: [{}, {"keys": []}, {"email": 5, "keys": []}, {"email": "a@p.iam.gserviceaccount.com"},
              {"email": "a@p.iam.gserviceaccount.com", "keys": "k"}, {"email": "a@p.iam.gserviceaccount.com",
                                                                      "keys": [None]}],
    BUCKET: [{}, {"iamConfiguration": {"publicAccessPrevention": "enforced"}}, {"name": None},
             {"name": "b", "iamConfiguration": "enforced", "iamPolicy": "public"},
             {"name": "b", "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": "true"}},
              "iamPolicy": {"bindings": "allUsers"}},
             {"name": "b", "iamConfiguration": {"uniformBucketLevelAccess": []},
              "iamPolicy": {"bindings": [{"role": "roles/storage.objectViewer", "members": "allUsers?"}]}},
             {"name": "b", "iamConfiguration": [], "iamPolicy": {"bindings": [{"members": ["group:g@acme.example"]}]},
              "acl": "allUsers"}],
}


@pytest.mark.parametrize(("type_key", "config"), [pytest.param(t, c, id=f"{t} {i}")
                                                  for t, configs in GARBAGE.items() for i, c in enumerate(configs)])
def test_garbage_is_never_a_pass_nor_an_error(type_key, config):
    results = verdicts(type_key, config, BENCH)
    assert set(results) == of(type_key)
    assert {v.status for v in results.values()} == {NOT_APPLICABLE}, results


@pytest.mark.parametrize("config", [[], "policy", None, 7])
def test_what_is_not_an_object_is_not_applicable(config):
    for type_key in (POLICY, ACCOUNT, BUCKET):
        results = verdicts(type_key, config, BENCH)
        assert {v.status for v in results.values()} == {NOT_APPLICABLE}
        assert not [v for v in results.values() if v.status == ERROR]


def test_an_acl_entity_of_the_wrong_type_is_no_error():
    from cspm.compliance.controls import evaluate

    config = {"name": "acme-odd", "id": "acme-odd", "iamPolicy": {"bindings": []},
              "acl": [{"entity": ["allUsers"], "role": "READER"}], "defaultObjectAcl": [{"entity": {"x": 1}}]}
    verdict = evaluate("gcp.storage.bucket", config)["cis_gcp-4.0.0-5.1"]
    assert verdict.status != "error", verdict
