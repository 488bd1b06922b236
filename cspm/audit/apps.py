from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cspm.audit"
    verbose_name = "Audit log"
