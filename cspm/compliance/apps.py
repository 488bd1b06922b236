from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "cspm.compliance"
    verbose_name = "Compliance: CIS controls, results and scores"
