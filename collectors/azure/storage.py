"""Storage accounts of the subscription.

Config: the ARM GET of Microsoft.Storage/storageAccounts as-is (camelCase, `properties`
envelope): supportsHttpsTrafficOnly, minimumTlsVersion, allowBlobPublicAccess, networkAcls,
publicNetworkAccess, allowSharedKeyAccess, encryption... Native id: the ARM resource id.
"""

from __future__ import annotations

from collections.abc import Iterator

from collectors.azure.session import AzureSession, as_rest, tags_of
from collectors.base import Collector
from collectors.records import ResourceRecord
from collectors.registry import register

ACCOUNT = "azure.storage.account"


@register
class StorageCollector(Collector):
    key = "azure.storage"
    provider = "azure"
    resource_types = (ACCOUNT,)

    def collect(self) -> Iterator[ResourceRecord]:
        session = AzureSession(self.context, stats=self.stats)
        accounts = session.client("storage").storage_accounts
        found = list(session.pages("storageAccounts list", accounts.list))
        self.stats["storage_accounts"] = len(found)
        for account in found:
            config = as_rest(account)
            yield ResourceRecord(type=ACCOUNT, native_id=config["id"], config=config,
                                 region=config.get("location") or "", name=config.get("name") or "",
                                 tags=tags_of(config))
