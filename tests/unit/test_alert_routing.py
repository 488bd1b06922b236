"""Routing rules as a pure match of an item against a rule."""

from cspm.alerts.items import AlertItem
from cspm.alerts.routing import Route, route

ACME, GLOBEX, INITECH = 1, 2, 3  # Globex is Acme's acquisition: its chain is [GLOBEX, ACME]


def item(kind="drift_new", severity="high", account=10, provider="aws", chain=(GLOBEX, ACME), key="k1"):
    return AlertItem(kind=kind, severity=severity, dedup_key=key, account_id=account, provider=provider,
                     org_chain=list(chain))


def rule(**kw):
    return Route(**{"rule_id": 1, "channel_id": 1, "channel_org_id": None, "mode": "immediate",
                    "min_severity": "low", **kw})


def test_minimum_severity():
    assert rule(min_severity="high").accepts(item(severity="high"))
    assert rule(min_severity="high").accepts(item(severity="critical"))
    assert not rule(min_severity="high").accepts(item(severity="medium"))
    assert not rule(min_severity="low").accepts(item(severity="info"))


def test_organizations_include_their_acquisitions():
    assert rule(organization_ids=frozenset({ACME})).accepts(item(chain=(GLOBEX, ACME)))
    assert rule(organization_ids=frozenset({GLOBEX})).accepts(item(chain=(GLOBEX, ACME)))
    assert not rule(organization_ids=frozenset({GLOBEX})).accepts(item(chain=(ACME,)))
    assert not rule(organization_ids=frozenset({INITECH})).accepts(item())
    assert not rule(channel_org_id=INITECH).accepts(item())
    assert rule(channel_org_id=ACME).accepts(item())


def test_accounts_providers_and_kinds():
    assert not rule(account_ids=frozenset({11})).accepts(item(account=10))
    assert not rule(providers=frozenset({"gcp"})).accepts(item(provider="aws"))
    assert rule(providers=frozenset({"gcp", "aws"})).accepts(item(provider="aws"))
    assert not rule(event_kinds=frozenset({"drift_resolved"})).accepts(item(kind="drift_new"))


def test_an_item_goes_to_one_rule_per_channel_the_first_that_matches():
    urgent, digest = rule(rule_id=1, min_severity="critical"), rule(rule_id=2, mode="daily")
    other_channel = rule(rule_id=3, channel_id=2)
    critical, low = item(severity="critical", key="a"), item(severity="low", key="b")
    routed = route([critical, low], [urgent, digest, other_channel])
    assert routed == {urgent: [critical], digest: [low], other_channel: [critical, low]}
