"""What the controls say about the resources, kept per change: one current result per (resource,
control); verdicts cached by configuration hash; per-account pass/fail counts kept up to date by
deltas, and a copy of them per day for trends. The controls themselves are code (catalog/)."""

from django.db import models


class ConfigVerdicts(models.Model):
    """Every control's verdict on one configuration content, for one catalog: a resource whose
    config comes back to a content already judged (a flapping setting) is not judged again."""

    type = models.CharField(max_length=100)
    hash = models.CharField(max_length=64)
    catalog = models.CharField(max_length=16, help_text="catalog fingerprint the verdicts were made with")
    verdicts = models.JSONField(default=dict)  # {control id: [status, detail, path]}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["type", "hash", "catalog"], name="one_verdict_set_per_config")]

    def __str__(self) -> str:
        return f"verdicts on {self.type} {self.hash[:12]}"


class ControlResult(models.Model):
    """The current verdict of one control on one live resource.

    Only compliance evaluation writes these, in the poll's transaction, next to the rows they
    point at: no database constraint on the pointers (their per-row checks at commit cost more
    than the COPY that writes an account's first results; the ORM still cascades deletes)."""

    account = models.ForeignKey("accounts.CloudAccount", on_delete=models.CASCADE, related_name="+", db_index=False,
                                db_constraint=False)
    resource = models.ForeignKey("inventory.Resource", on_delete=models.CASCADE, related_name="control_results",
                                 db_index=False, db_constraint=False)
    control_id = models.CharField(max_length=120)
    benchmark = models.CharField(max_length=60)  # "cis_eks-1.8.0"
    severity = models.CharField(max_length=10)
    status = models.CharField(max_length=8)  # pass | fail | n/a | error
    detail = models.TextField(blank=True, default="")
    path = models.TextField(blank=True, default="")
    version = models.ForeignKey("inventory.ResourceVersion", null=True, on_delete=models.SET_NULL, related_name="+",
                                db_constraint=False)
    evaluated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "control_id"], name="one_result_per_control")]
        indexes = [models.Index(fields=["account", "control_id", "status"], name="result_by_account_control")]

    def __str__(self) -> str:
        return f"{self.control_id} {self.status} on {self.resource_id}"


class AccountScore(models.Model):
    """Pass and fail counts of an account per benchmark and severity, as of its latest poll:
    what every score (account, organization, cloud, framework, severity) is summed from."""

    account = models.ForeignKey("accounts.CloudAccount", on_delete=models.CASCADE, related_name="scores")
    benchmark = models.CharField(max_length=60)
    severity = models.CharField(max_length=10)
    passed = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "benchmark", "severity"], name="one_score_row")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.benchmark} {self.severity}: {self.passed}/{self.passed + self.failed}"


class DailyScore(models.Model):
    """AccountScore as it stood at the end of each day (the last poll of the day wins): trends."""

    day = models.DateField()
    account = models.ForeignKey("accounts.CloudAccount", on_delete=models.CASCADE, related_name="+")
    benchmark = models.CharField(max_length=60)
    severity = models.CharField(max_length=10)
    passed = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "account", "benchmark", "severity"],
                                               name="one_daily_score_row")]

    def __str__(self) -> str:
        return f"{self.day} {self.account_id} {self.benchmark} {self.severity}"


class GoldenRule(models.Model):
    """A control an organization requires of every account it owns, acquisitions included."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="golden_rules")
    control_id = models.CharField(max_length=120)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "control_id"], name="one_golden_rule")]

    def __str__(self) -> str:
        return f"{self.organization_id} requires {self.control_id}"


class OrganizationDailyScore(models.Model):
    """DailyScore summed over an organization's accounts, per day and severity: what the
    dashboard's trend reads (a user's reach is whole organizations), instead of summing every
    account's rows per request. Recounted for the account's organization and day whenever
    DailyScore moves (scores.snapshot_day), and periodically for the last 30 days."""

    day = models.DateField()
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    severity = models.CharField(max_length=10)
    passed = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "organization", "severity"],
                                               name="one_organization_daily_score_row")]

    def __str__(self) -> str:
        return f"{self.day} organization {self.organization_id} {self.severity}"
