from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "cspm.inventory"
    verbose_name = "Snapshots and configuration history"
