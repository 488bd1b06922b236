import ast
from collections import Counter
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from collectors.records import TYPE_KEY_RE
from collectors.registry import registry
from cspm.drift.normalize import compile_spec
from cspm.drift.rules import RULES
from cspm.drift.severity import SEVERITIES

ROOT = Path(__file__).resolve().parents[2]
SPECS = registry.specs()
PLANNED = {
    "aws.eks.cluster", "aws.eks.nodegroup", "aws.iam.user", "aws.iam.role", "aws.iam.policy", "aws.iam.account",
    "aws.s3.bucket", "aws.s3.account", "gcp.gke.cluster", "gcp.iam.project_policy", "gcp.iam.service_account",
    "gcp.storage.bucket", "azure.aks.cluster", "azure.authorization.role_assignment",
    "azure.authorization.role_definition", "azure.storage.account",
}


def test_every_planned_type_has_a_spec():
    assert PLANNED <= set(SPECS)


@pytest.mark.parametrize("type_key", sorted(SPECS))
def test_spec_is_well_formed(type_key):
    spec = SPECS[type_key]
    assert spec.type == type_key and TYPE_KEY_RE.match(type_key)
    assert spec.title
    paths = [*spec.volatile, *spec.sets, *spec.keyed]
    assert all(p and not p.startswith("/") and "" not in p.split("/") for p in paths), paths
    assert len(paths) == len(set(paths)), "a path is listed twice"
    assert all(isinstance(field, str) and field for field in spec.keyed.values())
    assert compile_spec(spec)({}) == {}


def test_rule_ids_are_unique():
    assert [i for i, n in Counter(r.id for r in RULES).items() if n > 1] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_targets_a_registered_type_and_explains_itself(rule):
    assert any(fnmatchcase(t, rule.types) for t in SPECS), f"{rule.types} matches no registered type"
    assert rule.severity in SEVERITIES
    assert len(rule.title) > 10 and len(rule.rationale) > 20
    assert "`" in rule.remediation, "remediation must name a CLI command"
    if rule.path:
        assert rule.path.startswith("/")
        assert rule.ops is None or rule.ops <= {"add", "remove", "replace"}
    else:
        assert rule.ops is not None and rule.ops <= {"added", "removed"}


@pytest.mark.parametrize("module", ["__init__.py", "specs.py"])
@pytest.mark.parametrize("provider", ["aws", "gcp", "azure"])
def test_spec_modules_import_no_django_cspm_or_cloud_sdk(provider, module):
    # Specs load whenever a type is normalized: they must stay cheap and SDK-free.
    tree = ast.parse((ROOT / "collectors" / provider / module).read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= {"collectors", "__future__"}
