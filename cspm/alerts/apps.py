from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "cspm.alerts"
    verbose_name = "Alerts: channels, routing, outbox"

    def ready(self) -> None:
        from cspm.alerts import receivers  # noqa: F401  (connects to the poll's signal)
