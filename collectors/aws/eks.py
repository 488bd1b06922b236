"""EKS: clusters and their managed node groups, in every region of the account.

Configs are boto3's own shapes: DescribeCluster["cluster"] and DescribeNodegroup["nodegroup"].
The cluster config also carries what DescribeCluster leaves out, under the key of the listing that
fills it, sorted (their order carries no meaning):
- addons: ListAddons names;
- accessEntries: ListAccessEntries principal ARNs ([] under authenticationMode CONFIG_MAP, where
  access entries cannot exist and the call is refused);
- identityProviderConfigs: ListIdentityProviderConfigs [{type, name}] (OIDC providers).
A detail that cannot be read (access denied, not implemented by the endpoint) is a gap on its field,
never a failure; a listing or describe that fails raises, which fails the collector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from collectors.aws.session import AwsSession, optional
from collectors.base import Collector
from collectors.concurrency import parallel
from collectors.errors import NotFoundError
from collectors.records import ResourceRecord
from collectors.registry import register

CLUSTER, NODEGROUP = "aws.eks.cluster", "aws.eks.nodegroup"

# cluster config field -> (listing operation, reply key, sort key of one item)
DETAILS: dict[str, tuple[str, str, Callable[[Any], Any]]] = {
    "addons": ("list_addons", "addons", str),
    "accessEntries": ("list_access_entries", "accessEntries", str),
    "identityProviderConfigs": ("list_identity_provider_configs", "identityProviderConfigs",
                                lambda c: (c.get("type", ""), c.get("name", ""))),
}


@register
class EksCollector(Collector):
    key = "aws.eks"
    provider = "aws"
    resource_types = (CLUSTER, NODEGROUP)

    def collect(self) -> Iterator[ResourceRecord]:
        session = AwsSession(self.context, stats=self.stats)
        for records in parallel(lambda region: self._region(session, region), session.regions()):
            yield from records

    def _region(self, session: AwsSession, region: str) -> list[ResourceRecord]:
        eks = session.client("eks", region)
        names = list(session.pages(eks, "list_clusters", "clusters"))
        found = parallel(lambda name: self._cluster(session, eks, region, name), names, workers=4)
        return [record for records in found for record in records]

    def _cluster(self, session: AwsSession, eks: Any, region: str, name: str) -> list[ResourceRecord]:
        try:
            cluster = session.call(eks, "describe_cluster", name=name)["cluster"]
            nodegroups = list(session.pages(eks, "list_nodegroups", "nodegroups", clusterName=name))
        except NotFoundError:
            return []  # deleted between the listing and now: gone, like any removed cluster
        gaps: dict[str, str] = {}
        config_map_only = (cluster.get("accessConfig") or {}).get("authenticationMode") == "CONFIG_MAP"
        for field, (operation, key, order) in DETAILS.items():
            if field == "accessEntries" and config_map_only:
                cluster[field] = []
                continue
            items = _listing(session, eks, operation, key, gaps=gaps, field=field, clusterName=name)
            if items is not None:
                cluster[field] = sorted(items, key=order)
        records = [ResourceRecord(type=CLUSTER, native_id=cluster["arn"], config=cluster, region=region,
                                  name=cluster["name"], tags=dict(cluster.get("tags") or {}), gaps=gaps)]
        described = parallel(lambda ng: _nodegroup(session, eks, name, ng), nodegroups, workers=4)
        records += [ResourceRecord(type=NODEGROUP, native_id=ng["nodegroupArn"], config=ng, region=region,
                                   name=f"{name}/{ng['nodegroupName']}", tags=dict(ng.get("tags") or {}))
                    for ng in described if ng is not None]
        return records


def _nodegroup(session: AwsSession, eks: Any, cluster: str, name: str) -> dict | None:
    try:
        return session.call(eks, "describe_nodegroup", clusterName=cluster, nodegroupName=name)["nodegroup"]
    except NotFoundError:
        return None  # deleted since the listing


def _listing(session: AwsSession, eks: Any, operation: str, key: str, *, gaps: dict[str, str], field: str,
             **params: Any) -> list | None:
    """Every item of an optional paginated detail listing; None (and a gap) when it cannot be read."""
    items: list = []
    token = None
    while True:
        page = optional(session, eks, operation, gaps=gaps, field=field, **params,
                        **({"nextToken": token} if token else {}))
        if page is None:
            return None
        items += page.get(key, [])
        token = page.get("nextToken")
        if not token:
            return items
