"""Severity rules for GCP: GKE, IAM and Cloud Storage (CIS GKE 1.9, CIS GCP 4.0; see CONTROLS.md)."""

from __future__ import annotations

from typing import Any

from cspm.drift.rules.common import (
    cleared,
    decreased,
    filled,
    gained,
    gained_any,
    get,
    items,
    left,
    new_strings,
    started,
    stopped,
    strings,
    turned_on,
    weakened,
)
from cspm.drift.severity import Rule

ADD = frozenset({"add"})
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def default_compute_sa(value: Any) -> bool:
    return value == "default" or (isinstance(value, str) and value.endswith("-compute@developer.gserviceaccount.com"))


def binauthz_enforced(value: Any) -> bool:
    mode = get(value, "evaluationMode")
    if mode is not None:
        return mode not in ("DISABLED", "EVALUATION_MODE_UNSPECIFIED")
    return get(value, "enabled") is True


def secrets_encrypted(value: Any) -> bool:
    return get(value, "state") == "ENCRYPTED" and bool(get(value, "keyName"))


def authorized_cidrs(value: Any) -> set[str]:
    return set().union(*(strings(get(c, "cidrBlock")) for c in items(value)))


def logging_on(value: Any) -> bool:
    return isinstance(value, str) and value not in ("", "none")


def audit_reduced(before: Any, after: Any) -> bool:
    """Audit log types dropped, or members newly exempted from them."""
    def types(value: Any) -> set[str]:
        return set().union(*(strings(get(c, "logType")) for c in items(value)))

    def exempt(value: Any) -> set[tuple[str, str]]:
        return {(str(get(c, "logType")), m) for c in items(value) for m in strings(get(c, "exemptedMembers"))}

    return bool(types(before) - types(after)) or bool(exempt(after) - exempt(before))


def personal_account(before: Any, after: Any) -> bool:
    return any(m.lower().endswith(("@gmail.com", "@googlemail.com")) for m in new_strings(before, after))


GKE = (
    Rule(
        id="gcp-gke-legacy-abac-on",
        types="gcp.gke.cluster", path="/legacyAbac/enabled", severity="high", when=turned_on,
        title="GKE legacy ABAC enabled",
        rationale="Legacy ABAC grants broad, static permissions that bypass Kubernetes RBAC (CIS GKE 5.8.3).",
        remediation="Console: Kubernetes Engine > cluster > Security > Legacy authorization > Disable. CLI: "
                    "`gcloud container clusters update CLUSTER --no-enable-legacy-authorization`.",
    ),
    Rule(
        id="gcp-gke-authorized-networks-off",
        types="gcp.gke.cluster", path="/masterAuthorizedNetworksConfig/enabled", severity="high",
        when=weakened,
        title="GKE control plane authorized networks disabled",
        rationale="The API server endpoint accepts connections from any IP address (CIS GKE 5.6.3).",
        remediation="Console: Kubernetes Engine > cluster > Networking > Control plane authorized networks > "
                    "Enable. CLI: `gcloud container clusters update CLUSTER --enable-master-authorized-networks "
                    "--master-authorized-networks 203.0.113.0/24`.",
    ),
    Rule(
        id="gcp-gke-authorized-networks-internet",
        types="gcp.gke.cluster", path="/masterAuthorizedNetworksConfig/cidrBlocks", severity="high",
        when=lambda b, a: "0.0.0.0/0" in authorized_cidrs(a) - authorized_cidrs(b),
        title="GKE authorized networks opened to 0.0.0.0/0",
        rationale="An authorized network of 0.0.0.0/0 is the same as no restriction (CIS GKE 5.6.3).",
        remediation="Console: Kubernetes Engine > cluster > Networking > Control plane authorized networks > "
                    "Edit: remove 0.0.0.0/0. CLI: `gcloud container clusters update CLUSTER "
                    "--enable-master-authorized-networks --master-authorized-networks 203.0.113.0/24`.",
    ),
    Rule(
        id="gcp-gke-private-endpoint-off",
        types="gcp.gke.cluster", path="/privateClusterConfig/enablePrivateEndpoint", severity="high",
        when=weakened,
        title="GKE private endpoint disabled",
        rationale="The control plane gets a public endpoint (CIS GKE 5.6.4).",
        remediation="Console: Kubernetes Engine > cluster > Networking > Access control plane using its "
                    "external IP address: uncheck. CLI: `gcloud container clusters update CLUSTER "
                    "--enable-private-endpoint`.",
    ),
    Rule(
        id="gcp-gke-private-nodes-off",
        types="gcp.gke.cluster", path="/privateClusterConfig/enablePrivateNodes", severity="medium",
        when=weakened,
        title="GKE private nodes disabled",
        rationale="Nodes get public IP addresses and are reachable from the internet (CIS GKE 5.6.5).",
        remediation="Console: Kubernetes Engine > cluster > Networking > Enable private nodes. CLI: `gcloud "
                    "container clusters update CLUSTER --enable-private-nodes`.",
    ),
    Rule(
        id="gcp-gke-network-policy-off",
        types="gcp.gke.cluster", path="/networkPolicy/enabled", severity="medium", when=weakened,
        title="GKE network policy enforcement disabled",
        rationale="Pods can reach every other pod: a compromised pod moves laterally (CIS GKE 5.6.7).",
        remediation="Console: Kubernetes Engine > cluster > Networking > Network policy > Enable. CLI: "
                    "`gcloud container clusters update CLUSTER --enable-network-policy`.",
    ),
    Rule(
        id="gcp-gke-workload-identity-off",
        types="gcp.gke.cluster", path="/workloadIdentityConfig/workloadPool", severity="high",
        when=cleared,
        title="GKE Workload Identity disabled",
        rationale="Pods fall back to the node service account and its credentials (CIS GKE 5.2.2).",
        remediation="Console: Kubernetes Engine > cluster > Security > Workload Identity > Enable. CLI: "
                    "`gcloud container clusters update CLUSTER --workload-pool=PROJECT.svc.id.goog`.",
    ),
    Rule(
        id="gcp-gke-metadata-server-off",
        types="gcp.gke.cluster", path="/nodePools/*/config/workloadMetadataConfig/mode", severity="high",
        when=left("GKE_METADATA"),
        title="GKE metadata server disabled on a node pool",
        rationale="Pods can read the node's service account token from the instance metadata (CIS GKE 5.4.1).",
        remediation="Console: Kubernetes Engine > cluster > node pool > Edit > Security > Enable GKE Metadata "
                    "Server. CLI: `gcloud container node-pools update POOL --cluster CLUSTER "
                    "--workload-metadata=GKE_METADATA`.",
    ),
    Rule(
        id="gcp-gke-default-service-account",
        types="gcp.gke.cluster", path="/nodePools/*/config/serviceAccount", severity="high",
        when=started(default_compute_sa),
        title="GKE node pool runs as the default compute service account",
        rationale="The default compute account holds Editor on the project (CIS GKE 5.2.1).",
        remediation="Console: Kubernetes Engine > cluster > Add node pool with a dedicated least-privilege "
                    "service account, then delete the old pool. CLI: `gcloud container node-pools create POOL "
                    "--cluster CLUSTER --service-account NODES@PROJECT.iam.gserviceaccount.com`.",
    ),
    Rule(
        id="gcp-gke-node-cloud-platform-scope",
        types="gcp.gke.cluster", path="/nodePools/*/config/oauthScopes", severity="medium",
        when=gained(CLOUD_PLATFORM_SCOPE),
        title="GKE node pool given the cloud-platform OAuth scope",
        rationale="With the full scope, node credentials can call every API the service account may use.",
        remediation="Console: Kubernetes Engine > cluster > Add node pool with minimal scopes (or Workload "
                    "Identity). CLI: `gcloud container node-pools create POOL --cluster CLUSTER "
                    "--scopes=logging-write,monitoring`.",
    ),
    Rule(
        id="gcp-gke-shielded-nodes-off",
        types="gcp.gke.cluster", path="/shieldedNodes/enabled", severity="medium", when=weakened,
        title="GKE Shielded Nodes disabled",
        rationale="Node identity is no longer verified: a rogue node can join the cluster (CIS GKE 5.5.5).",
        remediation="Console: Kubernetes Engine > cluster > Security > Shielded GKE nodes > Enable. CLI: "
                    "`gcloud container clusters update CLUSTER --enable-shielded-nodes`.",
    ),
    Rule(
        id="gcp-gke-node-integrity-off",
        types="gcp.gke.cluster", path="/nodePools/*/config/shieldedInstanceConfig/*", severity="medium",
        when=weakened,
        title="GKE node Secure Boot or integrity monitoring disabled",
        rationale="Boot-level rootkits on nodes go undetected (CIS GKE 5.5.6/5.5.7).",
        remediation="Console: Kubernetes Engine > node pool > Edit > Shielded options. CLI: `gcloud container "
                    "node-pools update POOL --cluster CLUSTER --shielded-secure-boot "
                    "--shielded-integrity-monitoring`.",
    ),
    Rule(
        id="gcp-gke-binary-authorization-off",
        types="gcp.gke.cluster", path="/binaryAuthorization", severity="medium",
        when=stopped(binauthz_enforced),
        title="GKE Binary Authorization disabled",
        rationale="Unsigned or unscanned images can run in the cluster again (CIS GKE 5.10.4).",
        remediation="Console: Kubernetes Engine > cluster > Security > Binary authorization > Enable. CLI: "
                    "`gcloud container clusters update CLUSTER "
                    "--binauthz-evaluation-mode=PROJECT_SINGLETON_POLICY_ENFORCE`.",
    ),
    Rule(
        id="gcp-gke-secrets-encryption-off",
        types="gcp.gke.cluster", path="/databaseEncryption", severity="medium",
        when=stopped(secrets_encrypted),
        title="GKE application-layer secrets encryption disabled",
        rationale="Secrets in etcd lose envelope encryption with a customer-managed key (CIS GKE 5.3.1).",
        remediation="Console: Kubernetes Engine > cluster > Security > Application-layer secrets encryption > "
                    "Enable. CLI: `gcloud container clusters update CLUSTER --database-encryption-key "
                    "projects/P/locations/L/keyRings/R/cryptoKeys/K`.",
    ),
    Rule(
        id="gcp-gke-basic-auth-on",
        types="gcp.gke.cluster", path="/masterAuth/username", severity="high", when=filled,
        title="GKE basic authentication enabled",
        rationale="A static username and password for the API server that cannot be rotated safely "
                  "(CIS GKE 1.2.0 5.8.1).",
        remediation="Console: Kubernetes Engine > cluster > Security > Basic authentication > Disable. CLI: "
                    "`gcloud container clusters update CLUSTER --no-enable-basic-auth`.",
    ),
    Rule(
        id="gcp-gke-client-certificate-on",
        types="gcp.gke.cluster", path="/masterAuth/clientCertificateConfig/issueClientCertificate",
        severity="high", when=turned_on,
        title="GKE client certificate issued",
        rationale="A long-lived cluster-admin credential that cannot be revoked (CIS GKE 5.8.1).",
        remediation="Recreate the cluster without a client certificate; it cannot be disabled in place. CLI: "
                    "`gcloud container clusters create CLUSTER --no-issue-client-certificate ...`.",
    ),
    Rule(
        id="gcp-gke-client-key-present",
        types="gcp.gke.cluster", path="/masterAuth/clientKey", severity="high", when=filled,
        title="GKE client key present",
        rationale="A client key means a certificate credential for the API server exists (CIS GKE 5.8.1).",
        remediation="Recreate the cluster with `gcloud container clusters create CLUSTER "
                    "--no-issue-client-certificate`; rotate credentials with `gcloud container clusters update "
                    "CLUSTER --start-credential-rotation`.",
    ),
    Rule(
        id="gcp-gke-logging-off",
        types="gcp.gke.cluster", path="/loggingService", severity="medium", when=stopped(logging_on),
        title="GKE Cloud Logging disabled",
        rationale="Cluster and workload logs stop reaching Cloud Logging (CIS GKE 5.7.1).",
        remediation="Console: Kubernetes Engine > cluster > Features > Cloud Logging > Enable. CLI: `gcloud "
                    "container clusters update CLUSTER --logging=SYSTEM,WORKLOAD`.",
    ),
    Rule(
        id="gcp-gke-monitoring-off",
        types="gcp.gke.cluster", path="/monitoringService", severity="medium", when=stopped(logging_on),
        title="GKE Cloud Monitoring disabled",
        rationale="Cluster metrics and alerting stop (CIS GKE 5.7.1).",
        remediation="Console: Kubernetes Engine > cluster > Features > Cloud Monitoring > Enable. CLI: `gcloud "
                    "container clusters update CLUSTER --monitoring=SYSTEM`.",
    ),
    Rule(
        id="gcp-gke-release-channel-left",
        types="gcp.gke.cluster", path="/releaseChannel/channel", severity="low",
        when=lambda b, a: b not in (None, "UNSPECIFIED") and a in (None, "UNSPECIFIED"),
        title="GKE cluster left its release channel",
        rationale="Security patches of the control plane and nodes are no longer applied automatically "
                  "(CIS GKE 5.5.4).",
        remediation="Console: Kubernetes Engine > cluster > Details > Release channel > Edit. CLI: `gcloud "
                    "container clusters update CLUSTER --release-channel=regular`.",
    ),
    Rule(
        id="gcp-gke-node-auto-repair-upgrade-off",
        types="gcp.gke.cluster", path="/nodePools/*/management/auto*", severity="low", when=weakened,
        title="GKE node auto-repair or auto-upgrade disabled",
        rationale="Nodes stop receiving security patches or being replaced when unhealthy (CIS GKE 5.5.2/5.5.3).",
        remediation="Console: Kubernetes Engine > node pool > Edit > Management. CLI: `gcloud container "
                    "node-pools update POOL --cluster CLUSTER --enable-autoupgrade --enable-autorepair`.",
    ),
    Rule(
        id="gcp-gke-dashboard-on",
        types="gcp.gke.cluster", path="/addonsConfig/kubernetesDashboard/disabled", severity="medium",
        when=weakened,
        title="Kubernetes dashboard enabled",
        rationale="The dashboard has a history of exposing cluster-admin to whoever reaches it (CIS GKE 5.10.1).",
        remediation="CLI: `gcloud container clusters update CLUSTER --update-addons=KubernetesDashboard=DISABLED`.",
    ),
    Rule(
        id="gcp-gke-alpha-features-on",
        types="gcp.gke.cluster", path="/enableKubernetesAlpha", severity="medium", when=turned_on,
        title="Kubernetes alpha features enabled",
        rationale="Alpha features are untested for security and unsupported (CIS GKE 5.10.2).",
        remediation="Alpha clusters cannot be converted: recreate it. CLI: `gcloud container clusters create "
                    "CLUSTER` without `--enable-kubernetes-alpha`.",
    ),
    Rule(
        id="gcp-gke-cluster-deleted",
        types="gcp.gke.cluster", path="", severity="medium", ops=frozenset({"removed"}),
        title="GKE cluster deleted",
        rationale="A cluster deleted outside change control is an outage, and may be an attacker covering tracks.",
        remediation="Console: Logging > Logs Explorer, protoPayload.methodName=\"google.container.v1."
                    "ClusterManager.DeleteCluster\". CLI: `gcloud logging read "
                    "'protoPayload.methodName:DeleteCluster' --limit 10`.",
    ),
)

IAM = (
    Rule(
        id="gcp-iam-public-member",
        types="gcp.iam.project_policy", path="/bindings/*/members", severity="critical",
        when=gained(*PUBLIC_MEMBERS),
        title="Project IAM role granted to allUsers or allAuthenticatedUsers",
        rationale="Anyone on the internet (or with any Google account) gets the role on the whole project "
                  "(CIS GCP 1.x, public principals).",
        remediation="Console: IAM & Admin > IAM > remove allUsers/allAuthenticatedUsers. CLI: `gcloud projects "
                    "remove-iam-policy-binding PROJECT --member=allUsers --role=ROLE`.",
    ),
    Rule(
        id="gcp-iam-owner-personal-account",
        types="gcp.iam.project_policy", path="/bindings/roles~1owner*/members", severity="critical",
        when=personal_account,
        title="Project Owner granted to a personal Gmail account",
        rationale="A personal account is outside the organization's identity controls, MFA policy and "
                  "offboarding.",
        remediation="Console: IAM & Admin > IAM > principal > Remove access. CLI: `gcloud projects "
                    "remove-iam-policy-binding PROJECT --member=user:NAME@gmail.com --role=roles/owner`.",
    ),
    Rule(
        id="gcp-iam-owner-granted",
        types="gcp.iam.project_policy", path="/bindings/roles~1owner*/members", severity="high",
        when=gained_any,
        title="Project Owner granted",
        rationale="Owner can do everything in the project including granting itself more (CIS GCP 1.5).",
        remediation="Console: IAM & Admin > IAM > principal > Edit: use a predefined role instead. CLI: "
                    "`gcloud projects remove-iam-policy-binding PROJECT --member=MEMBER --role=roles/owner`.",
    ),
    Rule(
        id="gcp-iam-editor-granted",
        types="gcp.iam.project_policy", path="/bindings/roles~1editor*/members", severity="high",
        when=gained_any,
        title="Project Editor granted",
        rationale="The primitive Editor role can modify almost every resource in the project (CIS GCP 1.5).",
        remediation="Console: IAM & Admin > IAM > principal > Edit: replace with predefined roles. CLI: "
                    "`gcloud projects remove-iam-policy-binding PROJECT --member=MEMBER --role=roles/editor`.",
    ),
    Rule(
        id="gcp-iam-service-account-impersonation",
        types="gcp.iam.project_policy", path="/bindings/roles~1iam.serviceAccount[UT]*/members",
        severity="medium", when=gained_any,
        title="Project-wide service account user or token creator granted",
        rationale="The member can act as every service account in the project (CIS GCP 1.6).",
        remediation="Console: IAM & Admin > IAM: remove the project-level grant and grant it on the one "
                    "service account. CLI: `gcloud projects remove-iam-policy-binding PROJECT --member=MEMBER "
                    "--role=roles/iam.serviceAccountUser`.",
    ),
    Rule(
        id="gcp-iam-admin-role-granted",
        types="gcp.iam.project_policy", path="/bindings/*[Aa]dmin*/members", severity="medium",
        when=gained_any,
        title="Project administrator role granted",
        rationale="Admin roles manage a service's resources and often its IAM (CIS GCP 1.5, 1.8).",
        remediation="Console: IAM & Admin > IAM > principal: check the need. CLI: `gcloud projects "
                    "remove-iam-policy-binding PROJECT --member=MEMBER --role=ROLE`.",
    ),
    Rule(
        id="gcp-iam-audit-logging-reduced",
        types="gcp.iam.project_policy", path="/auditConfigs/*/auditLogConfigs", severity="medium",
        when=audit_reduced,
        title="Data Access audit logging reduced",
        rationale="Reads and writes of data stop being logged, or some members are exempted from logging.",
        remediation="Console: IAM & Admin > Audit Logs > service: re-enable the log types, remove exemptions. "
                    "CLI: `gcloud projects get-iam-policy PROJECT > p.yaml`, edit auditConfigs, `gcloud "
                    "projects set-iam-policy PROJECT p.yaml`.",
    ),
    Rule(
        id="gcp-iam-user-managed-key",
        types="gcp.iam.service_account", path="/keys/*", severity="high", ops=ADD,
        when=lambda b, a: isinstance(a, dict) and a.get("keyType", "USER_MANAGED") == "USER_MANAGED",
        title="User-managed service account key created",
        rationale="A downloadable, long-lived credential for the service account (CIS GCP 1.4).",
        remediation="Console: IAM & Admin > Service accounts > account > Keys > Delete; use Workload Identity "
                    "(Federation) instead. CLI: `gcloud iam service-accounts keys delete KEY_ID "
                    "--iam-account SA_EMAIL`.",
    ),
    Rule(
        id="gcp-iam-service-account-enabled",
        types="gcp.iam.service_account", path="/disabled", severity="medium", when=weakened,
        title="Disabled service account re-enabled",
        rationale="Service accounts are disabled when retired or suspected compromised.",
        remediation="Console: IAM & Admin > Service accounts > account > Disable. CLI: `gcloud iam "
                    "service-accounts disable SA_EMAIL`.",
    ),
)

STORAGE = (
    Rule(
        id="gcp-gcs-public-member",
        types="gcp.storage.bucket", path="/iamPolicy/bindings/*/members", severity="critical",
        when=gained(*PUBLIC_MEMBERS),
        title="Cloud Storage bucket made public through IAM",
        rationale="allUsers/allAuthenticatedUsers can reach the bucket's objects (CIS GCP 5.1).",
        remediation="Console: Cloud Storage > bucket > Permissions > remove allUsers/allAuthenticatedUsers, "
                    "and set Public access prevention. CLI: `gcloud storage buckets remove-iam-policy-binding "
                    "gs://BUCKET --member=allUsers --role=ROLE`.",
    ),
    Rule(
        id="gcp-gcs-public-acl",
        types="gcp.storage.bucket", path="/acl/all*", severity="critical", ops=ADD,
        title="Cloud Storage bucket ACL grants allUsers or allAuthenticatedUsers",
        rationale="A public ACL entry exposes the bucket (CIS GCP 5.1).",
        remediation="Console: Cloud Storage > bucket > Permissions > Switch to uniform access. CLI: `gcloud "
                    "storage buckets update gs://BUCKET --uniform-bucket-level-access` and remove the entry "
                    "with `gcloud storage buckets update gs://BUCKET --remove-acl-grant=allUsers`.",
    ),
    Rule(
        id="gcp-gcs-public-default-object-acl",
        types="gcp.storage.bucket", path="/defaultObjectAcl/all*", severity="high", ops=ADD,
        title="New objects in the bucket will be public",
        rationale="The default object ACL is applied to every new object (CIS GCP 5.1).",
        remediation="CLI: `gcloud storage buckets update gs://BUCKET --predefined-default-object-acl=private`, "
                    "or enable uniform bucket-level access in the console (bucket > Permissions).",
    ),
    Rule(
        id="gcp-gcs-public-access-prevention-off",
        types="gcp.storage.bucket", path="/iamConfiguration/publicAccessPrevention", severity="high",
        when=left("enforced"),
        title="Cloud Storage public access prevention no longer enforced",
        rationale="The guard rail against public IAM and ACL grants is gone (CIS GCP 5.1).",
        remediation="Console: Cloud Storage > bucket > Permissions > Prevent public access. CLI: `gcloud "
                    "storage buckets update gs://BUCKET --public-access-prevention`.",
    ),
    Rule(
        id="gcp-gcs-uniform-access-off",
        types="gcp.storage.bucket", path="/iamConfiguration/uniformBucketLevelAccess/enabled",
        severity="medium", when=weakened,
        title="Cloud Storage uniform bucket-level access disabled",
        rationale="Per-object ACLs come back and escape IAM review (CIS GCP 5.2).",
        remediation="Console: Cloud Storage > bucket > Permissions > Switch to uniform. CLI: `gcloud storage "
                    "buckets update gs://BUCKET --uniform-bucket-level-access`.",
    ),
    Rule(
        id="gcp-gcs-versioning-off",
        types="gcp.storage.bucket", path="/versioning/enabled", severity="medium", when=weakened,
        title="Cloud Storage object versioning disabled",
        rationale="Overwritten or deleted objects can no longer be recovered.",
        remediation="Console: Cloud Storage > bucket > Protection > Object versioning > On. CLI: `gcloud "
                    "storage buckets update gs://BUCKET --versioning`.",
    ),
    Rule(
        id="gcp-gcs-access-logging-off",
        types="gcp.storage.bucket", path="/logging/logBucket", severity="medium", when=cleared,
        title="Cloud Storage usage logging disabled",
        rationale="Access to the bucket is no longer logged for investigations.",
        remediation="CLI: `gcloud storage buckets update gs://BUCKET --log-bucket=gs://LOGS "
                    "--log-object-prefix=BUCKET` (no console option).",
    ),
    Rule(
        id="gcp-gcs-retention-reduced",
        types="gcp.storage.bucket", path="/retentionPolicy/retentionPeriod", severity="medium",
        when=decreased,
        title="Cloud Storage retention period reduced or removed",
        rationale="Objects can be deleted sooner than the records policy requires.",
        remediation="Console: Cloud Storage > bucket > Protection > Retention policy > Edit. CLI: `gcloud "
                    "storage buckets update gs://BUCKET --retention-period=PERIOD` (and lock it when final).",
    ),
    Rule(
        id="gcp-gcs-cmek-removed",
        types="gcp.storage.bucket", path="/encryption/defaultKmsKeyName", severity="medium", when=cleared,
        title="Cloud Storage default CMEK removed",
        rationale="New objects fall back to Google-managed keys, outside the organization's key control.",
        remediation="Console: Cloud Storage > bucket > Configuration > Encryption > Edit. CLI: `gcloud storage "
                    "buckets update gs://BUCKET --default-encryption-key=projects/P/locations/L/keyRings/R/"
                    "cryptoKeys/K`.",
    ),
    Rule(
        id="gcp-gcs-bucket-deleted",
        types="gcp.storage.bucket", path="", severity="medium", ops=frozenset({"removed"}),
        title="Cloud Storage bucket deleted",
        rationale="Data loss, and a deleted bucket name can be claimed by another project.",
        remediation="Console: Logging > Logs Explorer, protoPayload.methodName=\"storage.buckets.delete\". CLI: "
                    "`gcloud logging read 'protoPayload.methodName=\"storage.buckets.delete\"' --limit 10`.",
    ),
)

RULES = GKE + IAM + STORAGE
