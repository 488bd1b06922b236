import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspm.drift.diff import diff_configs
from cspm.drift.normalize import normalize
from cspm.drift.rules import RULES
from cspm.drift.rules.azure import CONTRIBUTOR, OWNER
from cspm.drift.severity import SEVERITIES, Rule, assess, in_context, most_severe, rank


def judge(type_key, before, after, environment="staging", *, configs=True):
    """Normalize like ingest, diff like evaluation, then assess the modified resource."""
    before = normalize(type_key, copy.deepcopy(before))
    after = normalize(type_key, copy.deepcopy(after))
    changes = diff_configs(type_key, before, after)
    assert changes, "the test configs must differ"
    extra = {"before": before, "after": after} if configs else {}
    return assess(type_key, "modified", changes, environment, **extra)


def eks(public=False, cidrs=("10.0.0.0/8",), logging=("api", "audit"), **extra):
    return {
        "name": "prod-eks", "version": "1.29", "status": "ACTIVE",
        "resourcesVpcConfig": {"subnetIds": ["subnet-a"], "endpointPublicAccess": public,
                               "endpointPrivateAccess": True, "publicAccessCidrs": list(cidrs)},
        "logging": {"clusterLogging": [{"types": list(logging), "enabled": True}]},
        "tags": {"team": "platform"}, **extra,
    }


def bucket(block=True, **extra):
    flags = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    return {"Name": "data", "PublicAccessBlockConfiguration": dict.fromkeys(flags, block),
            "Versioning": {"Status": "Enabled"}, **extra}


# -- severity arithmetic -------------------------------------------------------------------------

@pytest.mark.parametrize(("severity", "environment", "expected"), [
    ("high", "prod", "critical"), ("critical", "prod", "critical"), ("info", "prod", "info"),
    ("high", "staging", "high"), ("high", "dev", "medium"), ("info", "dev", "info"), ("low", "dev", "info"),
])
def test_environment_moves_severity_one_level(severity, environment, expected):
    assert in_context(severity, environment) == expected


def test_rank_orders_severities():
    assert [rank(s) for s in SEVERITIES] == [0, 1, 2, 3, 4]
    assert most_severe(["low", "critical", "medium"]) == "critical"


def test_unknown_environment_or_kind_is_refused():
    with pytest.raises(ValueError):
        assess("aws.eks.cluster", "modified", [], "production")
    with pytest.raises(ValueError):
        assess("aws.eks.cluster", "changed", [], "prod")


# -- realistic drifts ----------------------------------------------------------------------------

def test_eks_endpoint_opened_to_the_internet_is_critical_in_prod():
    verdict = judge("aws.eks.cluster", eks(), eks(public=True, cidrs=("0.0.0.0/0",)), "prod")
    assert verdict["severity"] == "critical"
    assert {c["rule"] for c in verdict["changes"]} == {"aws-eks-endpoint-open-to-internet"}
    assert "0.0.0.0/0" in verdict["reasons"][0] and "update-cluster-config" in verdict["remediation"]


def test_eks_public_endpoint_with_default_cidrs_is_critical_even_in_staging_given_configs():
    # AWS keeps publicAccessCidrs at 0.0.0.0/0 while the endpoint is private: only the flag changes.
    before, after = eks(cidrs=("0.0.0.0/0",)), eks(public=True, cidrs=("0.0.0.0/0",))
    assert judge("aws.eks.cluster", before, after)["severity"] == "critical"
    # Without the whole configs the sibling CIDRs are unknown: the flag alone is high.
    verdict = judge("aws.eks.cluster", before, after, configs=False)
    assert verdict["severity"] == "high" and verdict["changes"][0]["rule"] == "aws-eks-endpoint-public"


def test_eks_endpoint_public_but_restricted_is_high_not_critical():
    verdict = judge("aws.eks.cluster", eks(), eks(public=True, cidrs=("203.0.113.0/24",)))
    assert verdict["severity"] == "high"


def test_eks_audit_logging_disabled_is_high_other_log_types_medium():
    assert judge("aws.eks.cluster", eks(), eks(logging=("api",)))["severity"] == "high"
    assert judge("aws.eks.cluster", eks(), eks(logging=("audit",)))["severity"] == "medium"
    assert judge("aws.eks.cluster", eks(logging=("api",)), eks())["severity"] == "low"  # more logging


def test_tag_change_is_info_even_in_prod():
    verdict = judge("aws.eks.cluster", eks(), eks(tags={"team": "data"}), "prod")
    assert verdict["severity"] == "info"
    assert verdict["changes"][0]["rule"] == "common-tags-changed"


def test_unmatched_change_is_low_with_the_default_explanation():
    verdict = judge("aws.eks.cluster", eks(), eks(roleArn="arn:aws:iam::1:role/new"))
    assert verdict["severity"] == "low"
    assert verdict["changes"][0]["rule"] is None and verdict["changes"][0]["severity"] == "low"
    assert verdict["reasons"] == ["Configuration changed from the approved baseline"]
    assert verdict["rationale"] and verdict["remediation"]


def test_prod_raises_dev_lowers_a_finding():
    before, after = eks(), eks(logging=("audit",))  # medium
    assert [judge("aws.eks.cluster", before, after, env)["severity"] for env in ("dev", "staging", "prod")] == [
        "low", "medium", "high"]


def test_changes_keep_their_own_severity_and_the_finding_takes_the_max():
    verdict = judge("aws.eks.cluster", eks(), eks(public=True, cidrs=("0.0.0.0/0",), version="1.30",
                                                  tags={"team": "x"}))
    by_path = {c["path"]: c["severity"] for c in verdict["changes"]}
    assert by_path == {"/resourcesVpcConfig/endpointPublicAccess": "critical",
                       "/resourcesVpcConfig/publicAccessCidrs": "critical",
                       "/tags/team": "info", "/version": "low"}
    assert verdict["severity"] == "critical"
    assert verdict["reasons"] == ["EKS API endpoint public and open to 0.0.0.0/0", "EKS Kubernetes version changed",
                                  "Resource tags changed"]


def test_s3_public_access_block_flag_off_is_critical():
    verdict = judge("aws.s3.bucket", bucket(), bucket(block=False), configs=False)
    assert verdict["severity"] == "critical"
    assert {c["rule"] for c in verdict["changes"]} == {"aws-s3-public-access-block-off"}


def test_s3_public_access_block_deleted_entirely_is_critical():
    after = bucket()
    del after["PublicAccessBlockConfiguration"]
    verdict = judge("aws.s3.bucket", bucket(), after, configs=False)
    assert verdict["changes"][0]["path"] == "/PublicAccessBlockConfiguration"
    assert verdict["severity"] == "critical"


def test_s3_versioning_suspended_is_medium_and_enabling_it_is_low():
    suspended = bucket(Versioning={"Status": "Suspended"})
    assert judge("aws.s3.bucket", bucket(), suspended)["severity"] == "medium"
    assert judge("aws.s3.bucket", suspended, bucket())["severity"] == "low"


def user(*policies, **extra):
    return {"UserName": "alice", "AttachedManagedPolicies": [
        {"PolicyName": p.rsplit("/", 1)[-1], "PolicyArn": p} for p in policies], **extra}


def test_administrator_access_attached_to_a_user_is_critical():
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    verdict = judge("aws.iam.user", user(), user(admin), configs=False)
    assert verdict["severity"] == "critical"
    [change] = verdict["changes"]
    assert change["path"] == "/AttachedManagedPolicies/arn:aws:iam::aws:policy~1AdministratorAccess"
    assert change["rule"] == "aws-iam-administrator-access-attached"
    # A customer policy that merely has the same name is not AWS's AdministratorAccess.
    lookalike = "arn:aws:iam::123456789012:policy/AdministratorAccess"
    assert judge("aws.iam.user", user(), user(lookalike))["severity"] == "medium"


def test_inline_policy_widened_to_admin_is_critical_given_configs():
    def inline(action):
        return user(UserPolicyList=[{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Sid": "S", "Effect": "Allow", "Action": action, "Resource": "*"}]}}])
    verdict = judge("aws.iam.user", inline(["s3:GetObject"]), inline(["*"]))
    assert verdict["changes"][0]["path"] == "/UserPolicyList/p/PolicyDocument/Statement/S/Action"
    assert verdict["severity"] == "critical" and verdict["changes"][0]["rule"] == "aws-iam-inline-admin"
    assert judge("aws.iam.user", inline(["s3:GetObject"]), inline(["*"]), configs=False)["severity"] == "high"


def test_root_access_key_created_is_critical():
    before = {"AccountSummary": {"AccountAccessKeysPresent": 0, "AccountMFAEnabled": 1, "Users": 3}}
    after = {"AccountSummary": {"AccountAccessKeysPresent": 1, "AccountMFAEnabled": 1, "Users": 4}}
    verdict = judge("aws.iam.account", before, after)
    assert verdict["severity"] == "critical"
    assert [c["path"] for c in verdict["changes"]] == ["/AccountSummary/AccountAccessKeysPresent"]  # Users is volatile


def policy(**bindings):
    return {"etag": "x", "bindings": [{"role": role.replace("_", "/"), "members": list(members)}
                                      for role, members in bindings.items()]}


def test_gcp_project_granted_to_all_users_is_critical():
    verdict = judge("gcp.iam.project_policy", policy(roles_viewer=["user:a@acme.com"]),
                    policy(roles_viewer=["allUsers", "user:a@acme.com"]), configs=False)
    assert verdict["severity"] == "critical"
    assert verdict["changes"][0]["path"] == "/bindings/roles~1viewer/members"


def test_gcp_owner_granted_is_high_and_critical_for_a_gmail_account():
    base = policy(roles_viewer=["user:a@acme.com"])
    corp = policy(roles_viewer=["user:a@acme.com"], roles_owner=["user:b@acme.com"])
    personal = policy(roles_viewer=["user:a@acme.com"], roles_owner=["user:b@gmail.com"])
    assert judge("gcp.iam.project_policy", base, corp, configs=False)["severity"] == "high"
    assert judge("gcp.iam.project_policy", base, personal, configs=False)["severity"] == "critical"


def test_gke_node_pool_change_names_the_pool_and_default_sa_is_high():
    def cluster(sa):
        return {"name": "c", "nodePools": [{"name": "default-pool", "status": "RUNNING",
                                            "config": {"serviceAccount": sa}}]}
    verdict = judge("gcp.gke.cluster", cluster("nodes@p.iam.gserviceaccount.com"), cluster("default"))
    assert verdict["changes"][0]["path"] == "/nodePools/default-pool/config/serviceAccount"
    assert verdict["severity"] == "high"


def assignment(role, principal_type):
    return {"id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/1", "properties": {
        "roleDefinitionId": f"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{role}",
        "principalId": "p", "principalType": principal_type, "scope": "/subscriptions/s"}}


@pytest.mark.parametrize(("role", "principal_type", "expected"), [
    (OWNER, "User", "critical"), (OWNER, "ServicePrincipal", "high"), (CONTRIBUTOR, "User", "medium"),
    ("acdd72a7-3385-48ef-bd42-f606fba81ae7", "User", "medium"),  # Reader: the "added" default
])
def test_azure_role_assignment_added_is_judged_by_its_config(role, principal_type, expected):
    config = assignment(role, principal_type)
    verdict = assess("azure.authorization.role_assignment", "added", [], "staging", after=config)
    assert verdict["severity"] == expected


def test_added_resource_without_config_gets_the_kind_default():
    verdict = assess("azure.authorization.role_assignment", "added", [], "staging")
    assert verdict["severity"] == "medium" and verdict["changes"] == []
    assert verdict["reasons"] == ["Resource created outside the approved baseline"]


def test_added_resource_is_judged_by_what_it_exposes():
    verdict = assess("aws.eks.cluster", "added", [], "staging", after=eks(public=True, cidrs=("0.0.0.0/0",)))
    assert verdict["severity"] == "critical"
    assert assess("aws.eks.cluster", "added", [], "staging", after=eks())["severity"] == "medium"


def test_removed_resource_defaults_to_low_unless_a_rule_says_otherwise():
    assert assess("aws.iam.user", "removed", [], "staging", before=user())["severity"] == "low"
    verdict = assess("aws.eks.cluster", "removed", [], "staging", before=eks())
    assert verdict["severity"] == "medium" and verdict["reasons"] == ["EKS cluster deleted"]
    # A deleted bucket did not "lose" its public access block.
    assert assess("aws.s3.bucket", "removed", [], "staging", before=bucket())["severity"] == "medium"


# -- rule mechanics ------------------------------------------------------------------------------

def rule(id_, severity, path="/a", **kw):
    return Rule(id=id_, types="aws.*", path=path, severity=severity, title=id_.upper(),
                rationale=f"why {id_}", remediation=f"fix {id_}", **kw)


def change(path="/a", op="replace", before=1, after=2):
    return {"path": path, "op": op, "before": before, "after": after}


def test_most_severe_matching_rule_wins_and_ties_go_to_the_first():
    rules = [rule("low1", "low"), rule("high1", "high"), rule("high2", "high"), rule("other", "critical", "/b")]
    verdict = assess("aws.x.y", "modified", [change()], "staging", rules=rules)
    assert verdict["changes"][0]["rule"] == "high1" and verdict["severity"] == "high"
    assert verdict["rationale"] == "why high1" and verdict["remediation"] == "fix high1"


def test_ops_and_predicates_filter_rules():
    rules = [rule("adds", "high", ops=frozenset({"add"})),
             rule("up", "critical", ops=frozenset({"replace"}), when=lambda b, a: a > b)]
    assert assess("aws.x.y", "modified", [change(before=2, after=1)], "staging", rules=rules)["severity"] == "low"
    assert assess("aws.x.y", "modified", [change(before=1, after=2)], "staging", rules=rules)["severity"] == "critical"
    assert assess("aws.x.y", "modified", [change(op="add", before=None)], "staging", rules=rules)[
        "changes"][0]["rule"] == "adds"


def test_rules_only_apply_to_their_types():
    rules = [Rule(id="g", types="gcp.*", path="/a", severity="critical", title="t", rationale="r", remediation="m")]
    assert assess("aws.x.y", "modified", [change()], "staging", rules=rules)["severity"] == "low"


def test_rationale_of_several_deciding_rules_is_joined():
    rules = [rule("one", "high", "/a"), rule("two", "high", "/b")]
    verdict = assess("aws.x.y", "modified", [change("/a"), change("/b")], "staging", rules=rules)
    assert verdict["rationale"] == "why one\n\nwhy two" and verdict["remediation"] == "fix one\n\nfix two"


def test_rule_below_a_removed_section_sees_the_values_followed_down():
    seen = []
    rules = [rule("deep", "high", "/s/*/flag", when=lambda b, a: seen.append((b, a)) or b is True)]
    gone = change("/s", "remove", {"x": {"flag": True}, "y": {"flag": False}}, None)
    assert assess("aws.x.y", "modified", [gone], "staging", rules=rules)["severity"] == "high"
    assert seen == [(True, None)]  # y's flag was False; only the first projection was needed


def test_rule_above_a_change_needs_both_configs():
    rules = [rule("pair", "critical", "/s", when=lambda b, a: a.get("x") == 1 and a.get("y") == 1)]
    before, after = {"s": {"x": 0, "y": 1}}, {"s": {"x": 1, "y": 1}}
    changes = [change("/s/x", before=0, after=1)]
    assert assess("aws.x.y", "modified", changes, "staging", rules=rules)["severity"] == "low"
    assert assess("aws.x.y", "modified", changes, "staging", rules=rules, after=after)["severity"] == "low"
    assert assess("aws.x.y", "modified", changes, "staging", rules=rules, before=before,
                  after=after)["severity"] == "critical"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=60)
@given(json_values, json_values)
def test_no_rule_predicate_raises_on_unexpected_shapes(before, after):
    for r in RULES:
        if r.when is not None:
            assert r.when(before, after) in (True, False)


def test_a_new_resource_is_judged_by_the_protections_it_lacks():
    exposed = {"Name": "x", "PublicAccessBlockConfiguration": {
        "BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}}
    guarded = {"Name": "x", "PublicAccessBlockConfiguration": dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)}
    assert assess("aws.s3.bucket", "added", [], "staging", after=exposed)["severity"] == "critical"
    assert assess("aws.s3.bucket", "added", [], "staging", after=guarded)["severity"] == "medium"
    # A field that appears with its weak value on an existing resource is not a weakening.
    change = {"path": "/PublicAccessBlockConfiguration", "op": "add", "before": None,
              "after": exposed["PublicAccessBlockConfiguration"]}
    verdict = assess("aws.s3.bucket", "modified", [change], "staging", before={"Name": "x"}, after=exposed)
    assert verdict["severity"] != "critical"
