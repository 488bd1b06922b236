"""The engine around the catalog: a check that raises is an error verdict, never a pass; the
catalog's fingerprint follows its source, so cached verdicts are judged again after a change."""

from cspm.compliance import controls
from cspm.compliance.controls import BENCHMARKS, CONTROLS, ERROR, catalog_fingerprint, evaluate, load


def test_the_catalog_holds_sixty_controls_or_more_across_the_six_benchmarks():
    load()
    six = {"cis_eks", "cis_aws", "cis_gke", "cis_gcp", "cis_aks", "cis_azure"}
    assert six <= set(BENCHMARKS)
    assert sum(1 for c in CONTROLS.values() if c.benchmark.key in six) >= 60
    assert all(sum(1 for c in CONTROLS.values() if c.benchmark.key == key) >= 4 for key in six)


def test_a_check_that_raises_is_an_error_verdict(monkeypatch):
    load()
    item = next(c for c in CONTROLS.values() if "aws.eks.cluster" in c.resource_types)

    def broken(config):
        raise KeyError("resourcesVpcConfig")

    monkeypatch.setitem(CONTROLS, item.id, item.__class__(**{**{f: getattr(item, f) for f in item.__slots__},
                                                             "check": broken}))
    monkeypatch.setattr(controls, "_BY_TYPE", {"aws.eks.cluster": [CONTROLS[item.id]]})
    verdict = evaluate("aws.eks.cluster", {"name": "x"})[item.id]
    assert verdict.status == ERROR and "KeyError" in verdict.detail


def test_the_fingerprint_follows_the_catalog_source(monkeypatch):
    import inspect

    before = catalog_fingerprint()
    assert catalog_fingerprint() == before  # stable while nothing changes
    real = inspect.getsource
    monkeypatch.setattr(inspect, "getsource",
                        lambda obj: real(obj) + ("# TLS1_3" if obj.__name__.endswith("cis_azure") else ""))
    assert catalog_fingerprint() != before
