import ast
from pathlib import Path

import pytest

from collectors.base import Collector
from collectors.registry import Registry

ROOT = Path(__file__).resolve().parents[2]


def collector(key, provider, types):
    return type(key.replace(".", "_"), (Collector,), {"key": key, "provider": provider, "resource_types": types})


def test_collectors_are_listed_per_provider_in_key_order():
    reg = Registry()
    b = reg.register(collector("aws.s3", "aws", ("aws.s3.bucket",)))
    a = reg.register(collector("aws.eks", "aws", ("aws.eks.cluster",)))
    g = reg.register(collector("gcp.gke", "gcp", ("gcp.gke.cluster",)))
    assert reg.collectors_for("aws") == [a, b]
    assert reg.collectors_for("gcp") == [g]
    assert reg.collectors_for("azure") == []


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (("aws.s3", "aws", ("aws.s3.bucket",)), ("aws.s3b", "aws", ("aws.s3.bucket",)), "both claim"),
        (("aws.s3", "aws", ("aws.s3.bucket",)), ("aws.s3", "aws", ("aws.s3.account",)), "registered twice"),
        (("aws.x", "aws", ("aws.s3.bucket",)), ("gcp.s3", "gcp", ("aws.s3.account",)), "not under provider"),
        (("aws.x", "aws", ("aws.s3.bucket",)), ("oci.y", "oci", ("oci.y.z",)), "unknown provider"),
    ],
)
def test_registry_refuses_ambiguous_collectors(first, second, message):
    reg = Registry()
    reg.register(collector(*first))
    with pytest.raises(ValueError, match=message):
        reg.register(collector(*second))


def test_unknown_type_gets_an_empty_spec():
    spec = Registry().spec("aws.nothing.here")
    assert spec.type == "aws.nothing.here" and spec.volatile == () and dict(spec.keyed) == {}


def test_collectors_package_never_imports_django_or_cspm():
    offenders = []
    for path in (ROOT / "collectors").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("django", "cspm")]
    assert offenders == []


def test_isolated_registry_hides_other_collectors_and_restores_them():
    reg = Registry()
    real = reg.register(collector("aws.real", "aws", ("aws.real.thing",)))
    fake = collector("aws.fake", "aws", ("aws.fake.thing",))
    with reg.isolated(fake):
        assert reg.collectors_for("aws") == [fake]
    assert reg.collectors_for("aws") == [real]
