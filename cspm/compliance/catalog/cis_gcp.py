"""CIS Google Cloud Platform Foundation Benchmark v4.0.0: the IAM, audit logging and Cloud Storage
controls that the collected project IAM policy, service accounts and buckets decide.

Ids and titles as in the public compliance mod (turbot/steampipe-mod-gcp-compliance, cis_v400). Configs
as the collectors record them (collectors/gcp/iam.py, collectors/gcp/storage.py):
- gcp.iam.project_policy: projects.getIamPolicy (version 3) as REST JSON; "bindings" is always there,
  "auditConfigs" only when the project sets some.
- gcp.iam.service_account: the serviceAccounts.list item plus "keys", its USER_MANAGED keys; "keys" is
  missing when they could not be read (a gap), never when there are none.
- gcp.storage.bucket: buckets.get (projection=full) plus "iamPolicy" (buckets.getIamPolicy as
  Policy.to_api_repr: no "bindings" when empty); "iamPolicy" is missing when it could not be read.

Left out: 1.7 (user-managed keys rotated within 90 days) because its verdict changes with the date while
the configuration stays the same, and verdicts are reused for as long as the configuration's hash does;
1.9 and 1.10 (KMS keys), 1.12-1.15 (API keys), 1.16 (essential contacts) and 2.2-2.16 (sinks, metrics,
alerts): none of them is collected. A grant of allUsers on a project has no id in v4.0.0.
"""

from __future__ import annotations

import re
from typing import Any

from cspm.compliance.checks import boolean_setting, entries, get, pointer
from cspm.compliance.controls import Verdict, benchmark, control, fail, not_applicable, passed

CIS_GCP = benchmark("cis_gcp", "CIS Google Cloud Platform Foundation Benchmark", "4.0.0", provider="gcp")

POLICY = ("gcp.iam.project_policy",)
ACCOUNT = ("gcp.iam.service_account",)
BUCKET = ("gcp.storage.bucket",)

PUBLIC = frozenset({"allUsers", "allAuthenticatedUsers"})
# Principals that are people (or sets of people): what the benchmark calls users.
HUMAN = ("user:", "group:", "domain:")
CONSUMER_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
SA_USER_ROLES = frozenset({"roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator"})
KMS_CRYPTO_ROLES = frozenset({"roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.cryptoKeyEncrypter",
                              "roles/cloudkms.cryptoKeyDecrypter"})

_UNREADABLE_POLICY = "bindings not collected or not readable"
_NOT_A_BUCKET = "not a collected bucket (no name)"


# -- readers ------------------------------------------------------------------------------------------

def _is_bucket(config: Any) -> bool:
    return isinstance(config, dict) and isinstance(config.get("name"), str)


def _bindings(bindings: Any, *prefix: str) -> list[tuple[str, str, str]] | None:
    """(role, member, JSON pointer of the binding's members) for every member of an IAM policy's bindings;
    None when they cannot be read (not a list, or a binding without a role or with members that are not
    strings). A binding without "members" has none: proto3 JSON leaves empty lists out."""
    slots = entries(bindings)
    if slots is None:
        return None
    out = []
    for slot, binding in slots:
        role = get(binding, "role")
        members = binding.get("members", []) if isinstance(binding, dict) else None
        if not isinstance(role, str) or not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            return None
        out += [(role, m, pointer(*prefix, "bindings", slot, "members")) for m in sorted(members)]
    return out


def _grants(config: Any) -> list[tuple[str, str, str]] | None:
    """The grants of a project IAM policy (the collector always records "bindings"); None when unreadable."""
    return _bindings(config.get("bindings")) if isinstance(config, dict) else None


def _human(member: str) -> bool:
    return member.startswith(HUMAN)


def _domain(member: str) -> str:
    return member.rpartition("@")[2].lower()


def _user_created_account(member: str) -> bool:
    """serviceAccount:NAME@PROJECT.iam.gserviceaccount.com; not a Google-managed service agent
    (service-PROJECT_NUMBER@gcp-sa-SERVICE.iam... or @container-engine-robot.iam...) nor a default
    account (PROJECT_NUMBER-compute@developer.gserviceaccount.com, PROJECT@appspot.gserviceaccount.com)."""
    if not member.startswith("serviceAccount:"):
        return False
    local, _, domain = member.removeprefix("serviceAccount:").lower().rpartition("@")
    return (domain.endswith(".iam.gserviceaccount.com") and not domain.startswith("gcp-sa-")
            and not re.fullmatch(r"service-\d+", local))


def _privileged(role: str) -> bool:
    """Owner, Editor, or any role whose name contains admin (roles/storage.admin, instanceAdmin.v1, custom)."""
    return role in ("roles/owner", "roles/editor") or "admin" in role.rpartition("/")[2].lower()


def _holders(grants: list[tuple[str, str, str]], roles: frozenset[str]) -> dict[str, str]:
    """Human member -> pointer of its first binding among roles."""
    out: dict[str, str] = {}
    for role, member, where in grants:
        if role in roles and _human(member):
            out.setdefault(member, where)
    return out


def _separation(config: Any, admin: frozenset[str], use: frozenset[str], what: str) -> Verdict:
    grants = _grants(config)
    if grants is None:
        return not_applicable(_UNREADABLE_POLICY)
    admins, users = _holders(grants, admin), _holders(grants, use)
    both = sorted(set(admins) & set(users))
    if both:
        return fail(f"{', '.join(both)} hold{'s' if len(both) == 1 else ''} both {what}", admins[both[0]])
    return passed(f"no member holds both {what}", "/bindings")


# -- 1 Identity and access management -----------------------------------------------------------------

@control(CIS_GCP, "1.1", "Ensure that Corporate Login Credentials are Used", severity="high", types=POLICY,
         rationale="Consumer accounts such as Gmail accounts are outside the organization's identity controls: "
                   "its password and 2-step verification policies, its audit of sign-ins, and its offboarding. "
                   "Access granted to them stays with the person after they leave.",
         console="IAM & Admin > IAM > View by principals: for each principal ending in @gmail.com or "
                 "@googlemail.com, Edit principal > Delete every role > Save; grant the access to the person's "
                 "corporate (Cloud Identity / Workspace) account instead.",
         cli="gcloud projects remove-iam-policy-binding <project> --member=user:<name>@gmail.com --role=<role>; "
             "enforce it with gcloud resource-manager org-policies allow iam.allowedPolicyMemberDomains "
             "<customer-id> --project <project>")
def corporate_credentials(config: dict) -> Verdict:
    grants = _grants(config)
    if grants is None:
        return not_applicable(_UNREADABLE_POLICY)
    consumer: dict[str, str] = {}
    for _, member, where in grants:
        if member.startswith(("user:", "group:")) and _domain(member) in CONSUMER_DOMAINS:
            consumer.setdefault(member, where)
    if consumer:
        names = sorted(consumer)
        return fail(f"consumer accounts granted roles: {', '.join(names)}", consumer[names[0]])
    return passed("no Gmail (consumer) account holds a role", "/bindings")


@control(CIS_GCP, "1.4", "Ensure That There Are Only GCP-Managed Service Account Keys for Each Service Account",
         severity="high", types=ACCOUNT,
         rationale="A user-managed key is a long-lived credential that leaves Google's control as a downloadable "
                   "file: it is copied into repositories, CI variables and laptops, never expires by default, and "
                   "is used from anywhere. Google-managed keys are rotated by Google and never leave it.",
         console="IAM & Admin > Service accounts > <account> > Keys: Delete every key of type user-managed; use "
                 "Workload Identity (Federation) or attached service accounts instead, and enforce it with the "
                 "organization policy iam.disableServiceAccountKeyCreation.",
         cli="gcloud iam service-accounts keys list --iam-account=<sa-email> --managed-by=user; "
             "gcloud iam service-accounts keys delete <key-id> --iam-account=<sa-email>")
def no_user_managed_keys(config: dict) -> Verdict:
    if not isinstance(config, dict) or not isinstance(config.get("email"), str):
        return not_applicable("not a collected service account (no email)")
    if "keys" not in config:
        return not_applicable("keys not collected")
    keys = entries(config["keys"])
    if keys is None:
        return not_applicable("keys not readable")
    found = []
    for slot, key in keys:
        if not isinstance(key, dict):
            return not_applicable("keys not readable")
        if key.get("keyType", "USER_MANAGED") != "USER_MANAGED":  # the collector asks for user-managed only
            continue
        key_id = str(key.get("name") or slot).rpartition("/")[2]
        found.append((key_id + (" (disabled)" if key.get("disabled") is True else ""), pointer("keys", slot)))
    if found:
        return fail(f"{len(found)} user-managed key(s): {', '.join(k for k, _ in found)}", found[0][1])
    return passed("no user-managed key", "/keys")


@control(CIS_GCP, "1.5", "Ensure That Service Account Has No Admin Privileges", severity="high", types=POLICY,
         rationale="A service account's credentials are used by programs without a person in the loop, and are "
                   "the first thing an attacker looks for on a compromised VM or pipeline. With Owner, Editor or "
                   "an admin role they give full control of the project's resources (or of its IAM).",
         console="IAM & Admin > IAM > View by principals, filter Type: Service account: for each user-created "
                 "account holding Owner, Editor or a role named *Admin, Edit principal > Delete the role, add the "
                 "narrow predefined roles it needs > Save.",
         cli="gcloud projects remove-iam-policy-binding <project> "
             "--member=serviceAccount:<sa-name>@<project>.iam.gserviceaccount.com --role=roles/editor")
def service_accounts_not_admin(config: dict) -> Verdict:
    grants = _grants(config)
    if grants is None:
        return not_applicable(_UNREADABLE_POLICY)
    held: dict[str, list[str]] = {}
    where: dict[str, str] = {}
    for role, member, at in grants:
        if _privileged(role) and _user_created_account(member):
            held.setdefault(member, []).append(role)
            where.setdefault(member, at)
    if held:
        names = sorted(held)
        detail = "; ".join(f"{m} holds {', '.join(sorted(held[m]))}" for m in names)
        return fail(detail, where[names[0]])
    return passed("no user-created service account holds Owner, Editor or an admin role", "/bindings")


@control(CIS_GCP, "1.6", "Ensure That IAM Users Are Not Assigned the Service Account User or Service Account Token "
                         "Creator Roles at Project Level", severity="medium", types=POLICY,
         rationale="Granted on the project, Service Account User and Token Creator let a person act as every "
                   "service account of the project, including those created later, and so gain all of their "
                   "permissions. Granted on one service account, they reach only that one.",
         console="IAM & Admin > IAM, filter Role: Service Account User (then Service Account Token Creator): for "
                 "each user or group, Edit principal > Delete the role > Save; grant it instead on the one account "
                 "under IAM & Admin > Service accounts > <account> > Permissions > Grant access.",
         cli="gcloud projects remove-iam-policy-binding <project> --member=user:<email> "
             "--role=roles/iam.serviceAccountUser; gcloud iam service-accounts add-iam-policy-binding <sa-email> "
             "--member=user:<email> --role=roles/iam.serviceAccountUser")
def no_project_wide_impersonation(config: dict) -> Verdict:
    grants = _grants(config)
    if grants is None:
        return not_applicable(_UNREADABLE_POLICY)
    found = [(role, member, where) for role, member, where in grants if role in SA_USER_ROLES and _human(member)]
    if found:
        detail = "; ".join(f"{member} holds {role.rpartition('/')[2]}" for role, member, _ in found)
        return fail(f"project-level impersonation: {detail}", found[0][2])
    return passed("no user or group holds Service Account User or Token Creator on the project", "/bindings")


@control(CIS_GCP, "1.8", "Ensure That Separation of Duties Is Enforced While Assigning Service Account Related "
                         "Roles to Users", severity="medium", types=POLICY,
         rationale="Service Account Admin creates and manages service accounts and Service Account User runs "
                   "workloads as them: one person holding both can create an account, grant it access, and use it "
                   "without anyone else taking part. Splitting the roles keeps a second person in the loop.",
         console="IAM & Admin > IAM: for each principal holding both Service Account Admin and Service Account "
                 "User, Edit principal > Delete one of the two roles (per the business need) > Save.",
         cli="gcloud projects remove-iam-policy-binding <project> --member=user:<email> "
             "--role=roles/iam.serviceAccountUser")
def service_account_duties(config: dict) -> Verdict:
    return _separation(config, frozenset({"roles/iam.serviceAccountAdmin"}),
                       frozenset({"roles/iam.serviceAccountUser"}), "Service Account Admin and Service Account User")


@control(CIS_GCP, "1.11", "Ensure That Separation of Duties Is Enforced While Assigning KMS Related Roles to Users",
         severity="medium", types=POLICY,
         rationale="Cloud KMS Admin manages keys and their IAM; the CryptoKey Encrypter/Decrypter roles use them "
                   "on data. One person holding both can grant themselves use of any key and decrypt the data it "
                   "protects without anyone else taking part.",
         console="IAM & Admin > IAM: for each principal holding Cloud KMS Admin and any Cloud KMS CryptoKey "
                 "Encrypter/Decrypter, Encrypter or Decrypter role, Edit principal > Delete one side > Save.",
         cli="gcloud projects remove-iam-policy-binding <project> --member=user:<email> "
             "--role=roles/cloudkms.cryptoKeyEncrypterDecrypter")
def kms_duties(config: dict) -> Verdict:
    return _separation(config, frozenset({"roles/cloudkms.admin"}), KMS_CRYPTO_ROLES,
                       "Cloud KMS Admin and a CryptoKey Encrypter/Decrypter role")


# -- 2 Logging and monitoring -------------------------------------------------------------------------

@control(CIS_GCP, "2.1", "Ensure That Cloud Audit Logging Is Configured Properly", severity="medium", types=POLICY,
         rationale="Data Access audit logs (DATA_READ, DATA_WRITE) are off by default; without them nobody can "
                   "tell who read or changed user data during an incident. Exempted members are not logged at "
                   "all, so an exemption is a blind spot an insider can use.",
         console="IAM & Admin > Audit Logs > Default audit configuration (Set default configuration): check Data "
                 "Read and Data Write, remove every exempted principal, Save (or set it on the organization).",
         cli="gcloud projects get-iam-policy <project> --format=json > policy.json; add \"auditConfigs\": "
             "[{\"service\": \"allServices\", \"auditLogConfigs\": [{\"logType\": \"DATA_READ\"}, {\"logType\": "
             "\"DATA_WRITE\"}]}] with no exemptedMembers; gcloud projects set-iam-policy <project> policy.json")
def audit_logging(config: dict) -> Verdict:
    if not isinstance(config, dict) or not isinstance(config.get("bindings"), list | dict):
        return not_applicable("not a collected project IAM policy (no bindings)")
    logs = _audit_logs(config.get("auditConfigs"))
    if logs is None:
        return not_applicable("auditConfigs not readable")
    for service, log_type, exempted, where in logs:
        if exempted:
            return fail(f"{service} {log_type} exempts {', '.join(sorted(exempted))}", where)
    default = {log_type for service, log_type, _, _ in logs if service == "allServices"}
    if {"DATA_READ", "DATA_WRITE"} <= default:
        return passed("allServices logs DATA_READ and DATA_WRITE, nobody exempted", "/auditConfigs")
    # Audit configs are inherited: the folder's or organization's policy (not collected) may set them.
    return not_applicable("no allServices DATA_READ+DATA_WRITE audit config on the project; folder and "
                          "organization audit configs are not collected")


def _audit_logs(value: Any) -> list[tuple[str, str, list[str], str]] | None:
    """(service, logType, exempted members, JSON pointer of exemptedMembers) of every audit log config;
    None when they cannot be read. Missing "auditConfigs" (none set) and missing lists are empty."""
    if value is None:
        return []
    slots = entries(value)
    if slots is None:
        return None
    out = []
    for slot, entry in slots:
        service = get(entry, "service")
        logs = entries(entry.get("auditLogConfigs", [])) if isinstance(entry, dict) else None
        if not isinstance(service, str) or logs is None:
            return None
        for index, log in logs:
            log_type = get(log, "logType")
            exempted = log.get("exemptedMembers", []) if isinstance(log, dict) else None
            if not isinstance(log_type, str) or not isinstance(exempted, list) \
                    or not all(isinstance(m, str) for m in exempted):
                return None
            out.append((service, log_type, exempted,
                        pointer("auditConfigs", slot, "auditLogConfigs", index, "exemptedMembers")))
    return out


# -- 5 Storage ----------------------------------------------------------------------------------------

@control(CIS_GCP, "5.1", "Ensure That Cloud Storage Bucket Is Not Anonymously or Publicly Accessible",
         severity="critical", types=BUCKET,
         rationale="A bucket granting allUsers or allAuthenticatedUsers serves its objects to anyone on the "
                   "internet (or to any Google account), and is found by scanners within hours. Public access "
                   "prevention blocks such grants whatever the IAM policy and ACLs say.",
         console="Cloud Storage > Buckets > <bucket> > Permissions: remove every allUsers and "
                 "allAuthenticatedUsers principal, then Public access > Prevent public access.",
         cli="gcloud storage buckets remove-iam-policy-binding gs://<bucket> --member=allUsers "
             "--role=<role>; gcloud storage buckets update gs://<bucket> --public-access-prevention")
def bucket_not_public(config: dict) -> Verdict:
    if not _is_bucket(config):
        return not_applicable(_NOT_A_BUCKET)
    policy = config.get("iamPolicy")  # Policy.to_api_repr leaves "bindings" out when there is none
    grants = _bindings(policy.get("bindings", []), "iamPolicy") if isinstance(policy, dict) else None
    exposed = [(f"{member} holds {role}", where) for role, member, where in grants or [] if member in PUBLIC]
    for field in ("acl", "defaultObjectAcl"):
        for slot, entry in entries(config.get(field)) or []:
            if isinstance(entry, dict) and isinstance(entry.get("entity"), str) and entry["entity"] in PUBLIC:
                exposed.append((f"{field} grants {entry.get('role')} to {entry['entity']}",
                                pointer(field, slot, "entity")))
    if get(config, "iamConfiguration", "publicAccessPrevention") == "enforced":
        blocked = f" ({len(exposed)} public grant(s) blocked)" if exposed else ""
        return passed("public access prevention enforced" + blocked, "/iamConfiguration/publicAccessPrevention")
    if exposed:
        return fail("; ".join(what for what, _ in exposed), exposed[0][1])
    if grants is None:
        return not_applicable("iamPolicy not collected" if policy is None else "iamPolicy not readable")
    return passed("no allUsers or allAuthenticatedUsers grant", "/iamPolicy")


@control(CIS_GCP, "5.2", "Ensure That Cloud Storage Buckets Have Uniform Bucket-Level Access Enabled",
         severity="medium", types=BUCKET,
         rationale="With uniform bucket-level access only IAM decides who reads the bucket's objects; per-object "
                   "ACLs, which are easy to set wrongly and hard to review, stop applying. Without it an object "
                   "can be made public or shared on its own, invisible in the bucket's IAM policy.",
         console="Cloud Storage > Buckets > <bucket> > Permissions > Access control: Switch to uniform, Save.",
         cli="gcloud storage buckets update gs://<bucket> --uniform-bucket-level-access")
def uniform_access(config: dict) -> Verdict:
    if not _is_bucket(config):
        return not_applicable(_NOT_A_BUCKET)
    # buckets.get always reports it: absent means not collected.
    return boolean_setting(get(config, "iamConfiguration", "uniformBucketLevelAccess", "enabled"),
                           "/iamConfiguration/uniformBucketLevelAccess/enabled",
                           ok="uniform bucket-level access enabled",
                           bad="uniform bucket-level access disabled: object ACLs apply",
                           unreadable="iamConfiguration.uniformBucketLevelAccess not collected")
