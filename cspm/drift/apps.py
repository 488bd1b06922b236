from django.apps import AppConfig


class DriftConfig(AppConfig):
    name = "cspm.drift"
    verbose_name = "Baselines and drift findings"
