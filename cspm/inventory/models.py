from django.db import models
from django.db.models import Q


class Snapshot(models.Model):
    """One poll of one account. Written in the poll's own transaction: it exists only if the
    poll committed whole."""

    class Status(models.TextChoices):
        OK = "ok", "OK"
        PARTIAL = "partial", "Partial: some collectors failed"
        FAILED = "failed", "Failed: no collector succeeded"

    account = models.ForeignKey(
        "accounts.CloudAccount", on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    # {collector key: {"status": "ok"|"failed", "error_kind", "error", "resources", "seconds"}}
    collectors = models.JSONField(default=dict)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # {"collect": s, "ingest": s, "evaluate": s, "total": s}
    timings = models.JSONField(default=dict)
    # What compliance evaluation did: {"resources", "reused", "results", "opened", "resolved"}
    compliance = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["account", "-id"], name="snapshot_account_recent")]

    def __str__(self) -> str:
        return f"snapshot {self.pk} of {self.account_id} ({self.status})"


class Resource(models.Model):
    """A cloud resource of one account, with a pointer to its current configuration version."""

    # Indexed by the unique constraint below, whose first column it is.
    account = models.ForeignKey(
        "accounts.CloudAccount", on_delete=models.CASCADE, related_name="resources", db_index=False
    )
    type = models.CharField(max_length=100)
    native_id = models.TextField()
    region = models.CharField(max_length=64, blank=True, default="")
    name = models.TextField(blank=True, default="")
    tags = models.JSONField(default=dict, blank=True)
    current_hash = models.CharField(max_length=64)
    # Two pointers that only ingest writes, in the transaction that writes what they point at.
    # No database constraint: their per-row checks at commit cost 40% of a first poll's writes
    # (measured with bench/ingest.py); the ORM still treats them as relations.
    current_version = models.ForeignKey(
        "ResourceVersion", null=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
        db_constraint=False,
    )
    first_seen = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    removed_in = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "type", "native_id"], name="unique_resource_per_account"),
        ]
        indexes = [
            models.Index(fields=["account"], condition=Q(removed_at__isnull=True), name="resource_live_by_account"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.native_id}"


class ResourceVersion(models.Model):
    """One event in a resource's configuration history: it appeared, changed, or was removed.

    The config is stored once per distinct content: a version whose hash an earlier version of
    the same resource already has (a flapping setting) keeps config NULL and points at it.
    """

    class Event(models.TextChoices):
        ADDED = "added", "Added"
        MODIFIED = "modified", "Modified"
        REMOVED = "removed", "Removed"

    # Indexed by version_by_resource_hash, whose first column it is.
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions", db_index=False)
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="versions")
    event = models.CharField(max_length=10, choices=Event.choices)
    observed_at = models.DateTimeField()
    hash = models.CharField(max_length=64, blank=True, default="")
    config = models.JSONField(null=True, blank=True)
    same_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.TextField(blank=True, default="")
    region = models.CharField(max_length=64, blank=True, default="")
    tags = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["resource_id", "id"]
        indexes = [
            models.Index(fields=["resource", "hash"], name="version_by_resource_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.resource_id} @ {self.snapshot_id}"


class PollRun(models.Model):
    """A poll in flight on the workers: one collect task per collector stages its output here,
    and the finalize step turns the staged outputs into one snapshot. A run that a newer run of
    the same account supersedes (its worker died) is abandoned, and its late tasks do nothing."""

    class State(models.TextChoices):
        COLLECTING = "collecting", "Collecting"
        FINALIZING = "finalizing", "Finalizing"
        DONE = "done", "Done"
        ABANDONED = "abandoned", "Abandoned"

    account = models.ForeignKey("accounts.CloudAccount", on_delete=models.CASCADE, related_name="poll_runs")
    state = models.CharField(max_length=12, choices=State.choices, default=State.COLLECTING)
    collectors = models.JSONField(default=list)  # the keys this run waits for
    expected_last_snapshot_id = models.BigIntegerField(null=True, blank=True)
    # When the account was due (None: never polled); started_at - due_at is the scheduling lag.
    due_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["account", "state"], name="pollrun_account_state")]

    def __str__(self) -> str:
        return f"poll run {self.pk} of {self.account_id} ({self.state})"


class StagedOutput(models.Model):
    """One collector's output for a run, compressed, until the run is finalized. Written once per
    (run, collector): a collect task that runs twice replaces its own row."""

    run = models.ForeignKey(PollRun, on_delete=models.CASCADE, related_name="staged")
    collector = models.CharField(max_length=100)
    ok = models.BooleanField()
    payload = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "collector"], name="one_output_per_collector")]

    def __str__(self) -> str:
        return f"{self.collector} output of run {self.run_id}"
