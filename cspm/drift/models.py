from django.conf import settings
from django.db import models
from django.db.models import Q

SEVERITY_CHOICES = [(s, s.title()) for s in ("info", "low", "medium", "high", "critical")]


class BaselineApproval(models.Model):
    """One act of approving a known-good state: a whole snapshot, or one resource's version."""

    class Scope(models.TextChoices):
        SNAPSHOT = "snapshot", "Whole snapshot"
        RESOURCE = "resource", "One resource"

    account = models.ForeignKey("accounts.CloudAccount", on_delete=models.CASCADE, related_name="approvals")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    snapshot = models.ForeignKey("inventory.Snapshot", null=True, blank=True, on_delete=models.SET_NULL)
    resource = models.ForeignKey("inventory.Resource", null=True, blank=True, on_delete=models.SET_NULL)
    approved_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.CharField(max_length=200, help_text="Who approved: a username, or cli:<os user>")
    reason = models.TextField(blank=True, default="")
    entries_changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-approved_at", "-id"]

    def __str__(self) -> str:
        return f"baseline approval {self.pk} of {self.account_id} by {self.actor}"


class BaselineEntry(models.Model):
    """Which version of a resource is known-good, and over which period (a temporal table:
    the open entry, valid_to NULL, is the current baseline; closed ones are its history)."""

    account = models.ForeignKey("accounts.CloudAccount", on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey("inventory.Resource", on_delete=models.CASCADE, related_name="baseline_entries")
    version = models.ForeignKey("inventory.ResourceVersion", on_delete=models.PROTECT, related_name="+")
    approval = models.ForeignKey(BaselineApproval, on_delete=models.PROTECT, related_name="entries")
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        BaselineApproval, null=True, blank=True, on_delete=models.PROTECT, related_name="closed_entries"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource"], condition=Q(valid_to__isnull=True), name="one_current_baseline_entry"
            ),
        ]
        indexes = [
            models.Index(fields=["account"], condition=Q(valid_to__isnull=True), name="baseline_current_by_account"),
        ]

    def __str__(self) -> str:
        return f"baseline of resource {self.resource_id}: version {self.version_id}"


class DriftFinding(models.Model):
    """A resource that differs from its baseline (drift), or fails a compliance control. One live
    finding per resource for its drift, and one per (resource, control), across polls; both kinds
    share the lifecycle (acknowledge, suppress, accept) and the alerts."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"
        MODIFIED = "modified", "Modified"
        CONTROL = "control", "Control failing"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        SUPPRESSED = "suppressed", "Suppressed"
        RESOLVED = "resolved", "Resolved"
        ACCEPTED = "accepted", "Accepted into baseline"

    LIVE_STATUSES = ("open", "acknowledged", "suppressed")

    account = models.ForeignKey("accounts.CloudAccount", on_delete=models.CASCADE, related_name="findings")
    resource = models.ForeignKey("inventory.Resource", on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    control_id = models.CharField(max_length=120, blank=True, default="", help_text="empty for drift")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES)
    # [{"path", "op", "before", "after", "severity", "rule"}]
    changes = models.JSONField(default=list)
    # Hash of the drift itself (kind + changes): a different hash means the drift moved.
    fingerprint = models.CharField(max_length=64)
    reasons = models.JSONField(default=list)
    rationale = models.TextField(blank=True, default="")
    remediation = models.TextField(blank=True, default="")
    baseline_version = models.ForeignKey(
        "inventory.ResourceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_version = models.ForeignKey(
        "inventory.ResourceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_snapshot = models.ForeignKey("inventory.Snapshot", null=True, on_delete=models.SET_NULL, related_name="+")
    last_snapshot = models.ForeignKey("inventory.Snapshot", null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    suppressed_until = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True, default="")
    status_changed_by = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "control_id"],
                condition=Q(status__in=["open", "acknowledged", "suppressed"]),
                name="one_live_finding_per_resource_issue",
            ),
        ]
        indexes = [
            models.Index(
                fields=["account", "severity"],
                condition=Q(status__in=["open", "acknowledged", "suppressed"]),
                name="finding_live_by_account",
            ),
            # The findings list: live findings newest first (keyset pages by id), without walking
            # past the resolved history, which only grows.
            models.Index(
                fields=["id"],
                condition=Q(status__in=["open", "acknowledged", "suppressed"]),
                name="finding_live_by_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} finding {self.pk} ({self.severity}, {self.status})"


class FindingEvent(models.Model):
    """The lifecycle of a finding, as it happened: opened, changed, acknowledged, resolved..."""

    finding = models.ForeignKey(DriftFinding, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=20)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["finding_id", "id"]

    def __str__(self) -> str:
        return f"{self.action} of finding {self.finding_id} by {self.actor}"


class FindingCount(models.Model):
    """Live findings of one account per source (drift or control), status and severity: what the
    dashboard reads instead of counting findings per request. cspm/drift/summary.py refreshes an
    account's rows wherever its findings change (a poll, triage, a baseline approval, a
    compliance re-evaluation), and a periodic task refreshes every account's."""

    account = models.ForeignKey("accounts.CloudAccount", on_delete=models.CASCADE, related_name="finding_counts",
                                db_index=False)  # indexed by one_finding_count, whose first column it is
    source = models.CharField(max_length=8)  # drift | control
    status = models.CharField(max_length=12, choices=DriftFinding.Status.choices)
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES)
    n = models.IntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "source", "status", "severity"],
                                               name="one_finding_count")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.source} {self.status} {self.severity}: {self.n}"
