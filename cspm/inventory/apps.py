import importlib

from django.apps import AppConfig
from django.conf import settings


class InventoryConfig(AppConfig):
    name = "cspm.inventory"
    verbose_name = "Snapshots and configuration history"

    def ready(self) -> None:
        # Extra collector modules (custom clouds, or a simulation): importing one registers it.
        for module in settings.CSPM_COLLECTOR_MODULES:
            importlib.import_module(module)
