"""GKE: every cluster of the project, in every location (zones and regions), node pools inside.

gcp.gke.cluster config: container.projects.locations.clusters REST JSON (camelCase, enum names,
only the fields that are set, as MessageToDict renders the SDK's Cluster), node pools under
"nodePools" with their config. Native id: the full resource name
//container.googleapis.com/projects/P/locations/L/clusters/C. One listing call covers all
locations; if it fails (or the API names unreachable locations), the collector fails, so no
cluster looks deleted.
"""

from __future__ import annotations

from collections.abc import Iterator

from collectors.base import Collector
from collectors.errors import TransientError
from collectors.gcp.session import GcpSession, message_dict
from collectors.records import ResourceRecord
from collectors.registry import register

CLUSTER = "gcp.gke.cluster"


def cluster_id(project: str, location: str, name: str) -> str:
    return f"//container.googleapis.com/projects/{project}/locations/{location}/clusters/{name}"


def in_regions(location: str, regions: tuple[str, ...]) -> bool:
    """A zone (us-central1-a) belongs to its region (us-central1); no regions means all of them."""
    return not regions or any(location == r or location.startswith(r + "-") for r in regions)


@register
class GkeCollector(Collector):
    key = "gcp.gke"
    provider = "gcp"
    resource_types = (CLUSTER,)

    def collect(self) -> Iterator[ResourceRecord]:
        session = GcpSession(self.context, stats=self.stats)
        client = session.container()
        parent = f"projects/{session.project}/locations/-"
        reply = session.call("container:clusters.list", client.list_clusters, parent=parent)
        if reply.missing_zones:
            raise TransientError(f"container:clusters.list: unreachable locations {sorted(reply.missing_zones)}")
        for cluster in reply.clusters:
            config = message_dict(cluster)
            location = config.get("location") or config.get("zone") or ""
            if not in_regions(location, self.context.regions):
                continue
            config["nodePools"] = sorted(config.get("nodePools", []), key=lambda p: p.get("name", ""))
            yield ResourceRecord(type=CLUSTER, native_id=cluster_id(session.project, location, config["name"]),
                                 config=config, region=location, name=config["name"],
                                 tags=dict(config.get("resourceLabels") or {}))
