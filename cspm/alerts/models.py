from django.db import models
from django.db.models import Q

from cspm.drift.severity import SEVERITIES

SEVERITY_CHOICES = [(s, s.title()) for s in SEVERITIES]


class EventKind(models.TextChoices):
    DRIFT_NEW = "drift_new", "New or changed drift"
    DRIFT_RESOLVED = "drift_resolved", "Drift resolved"
    RESOURCE_NEW_ACQUIRED = "resource_new_acquired", "New resource in an acquired organization"
    COLLECTION_FAILING = "collection_failing", "Collection failing"
    CONTROL_FAILING = "control_failing", "A compliance control started failing"
    CONTROL_RESOLVED = "control_resolved", "A compliance control no longer failing"


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately"
    HOURLY = "hourly", "Hourly digest"
    DAILY = "daily", "Daily digest"


class Channel(models.Model):
    """Where alerts go: an email list, a Slack incoming webhook or a signed JSON webhook.
    Secrets (webhook URLs, signing secret, SMTP password) live only in `secrets_encrypted`."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack"
        WEBHOOK = "webhook", "Webhook"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Set: the channel hears only about this organization's accounts (and its acquisitions').
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="alert_channels"
    )
    enabled = models.BooleanField(default=True)
    # What may be shown: recipients, SMTP host/port/user/security/from, the host of a URL.
    config = models.JSONField(default=dict, blank=True)
    # Fernet token (cspm.accounts.crypto) of {"url": ..., "signing_secret": ..., "smtp_password": ...}.
    secrets_encrypted = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="channel_kind_known", condition=Q(kind__in=["email", "slack", "webhook"])),
        ]

    def __str__(self) -> str:
        return f"{self.kind} channel {self.name}"


class Rule(models.Model):
    """Which events a channel hears about, and how (immediately or in a digest).
    Empty organizations/accounts/providers/event_kinds mean all of them."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="rules")
    min_severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES, default="low")
    # An organization includes its acquisitions (children), at any depth.
    organizations = models.ManyToManyField("accounts.Organization", blank=True, related_name="+")
    accounts = models.ManyToManyField("accounts.CloudAccount", blank=True, related_name="+")
    providers = models.JSONField(default=list, blank=True)
    event_kinds = models.JSONField(default=list, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["channel__name", "id"]
        constraints = [
            models.CheckConstraint(name="rule_mode_known", condition=Q(mode__in=Mode.values)),
            models.CheckConstraint(name="rule_min_severity_known", condition=Q(min_severity__in=SEVERITIES)),
        ]

    def __str__(self) -> str:
        return f"rule {self.pk} of {self.channel_id} ({self.mode}, >= {self.min_severity})"


class Notification(models.Model):
    """One message to send (the outbox): an immediate alert of one poll, or a digest that
    collects items until its due time. Kept after sending, as the record of what was sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        DEAD = "dead", "Dead: gave up after the last attempt"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="notifications")
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    # A delivery's lease: while in the future, one worker is sending this notification.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(name="notification_status_known",
                                   condition=Q(status__in=["pending", "sent", "dead"])),
            models.CheckConstraint(name="notification_mode_known", condition=Q(mode__in=Mode.values)),
            models.CheckConstraint(name="sent_notification_has_sent_at",
                                   condition=~Q(status="sent") | Q(sent_at__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="notification_pending_due"),
            models.Index(fields=["rule", "due_at"], condition=Q(status="pending"), name="notification_open_digest"),
        ]

    def __str__(self) -> str:
        return f"notification {self.pk} ({self.mode}, {self.status})"


class NotificationItem(models.Model):
    """One alert (a change) inside a notification. UNIQUE(channel, dedup_key) is the
    de-duplication: one change reaches a channel once, however many polls see it."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="items")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    dedup_key = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    severity = models.CharField(max_length=10, choices=SEVERITY_CHOICES)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notification_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "dedup_key"], name="one_item_per_change_per_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} item {self.dedup_key} of notification {self.notification_id}"
