"""AKS: every managed cluster of the subscription (all regions, all resource groups), with its
agent pools as they appear in the cluster itself (agentPoolProfiles, keyed by name).

Config: the ARM GET of Microsoft.ContainerService/managedClusters as-is (camelCase, with the
`properties` envelope): enableRBAC, aadProfile, apiServerAccessProfile, networkProfile,
disableLocalAccounts, addonProfiles, agentPoolProfiles, securityProfile, kubernetesVersion...
Native id: the ARM resource id. A failed listing fails the collector (nothing looks deleted).
"""

from __future__ import annotations

from collections.abc import Iterator

from collectors.azure.session import AzureSession, as_rest, tags_of
from collectors.base import Collector
from collectors.records import ResourceRecord
from collectors.registry import register

CLUSTER = "azure.aks.cluster"


@register
class AksCollector(Collector):
    key = "azure.aks"
    provider = "azure"
    resource_types = (CLUSTER,)

    def collect(self) -> Iterator[ResourceRecord]:
        session = AzureSession(self.context, stats=self.stats)
        clusters = session.client("containerservice").managed_clusters
        # The whole listing first: a page that fails must fail the collector before anything is yielded.
        found = list(session.pages("managedClusters list", clusters.list))
        self.stats["clusters"] = len(found)
        for cluster in found:
            config = as_rest(cluster)
            yield ResourceRecord(type=CLUSTER, native_id=config["id"], config=config,
                                 region=config.get("location") or "", name=config.get("name") or "",
                                 tags=tags_of(config))
