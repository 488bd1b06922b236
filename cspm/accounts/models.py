from django.db import models
from django.db.models import Q


class Organization(models.Model):
    """A company of the group: the parent, or an acquisition with its integration stage."""

    class Kind(models.TextChoices):
        PARENT = "parent", "Parent company"
        ACQUISITION = "acquisition", "Acquisition"

    class Stage(models.TextChoices):
        DUE_DILIGENCE = "due_diligence", "Due diligence"
        ONBOARDING = "onboarding", "Onboarding"
        MONITORED = "monitored", "Monitored"
        INTEGRATED = "integrated", "Integrated"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARENT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    acquired_on = models.DateField(null=True, blank=True)
    integration_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True, default="")
    # Members of this organization, and of every organization under it, must sign in with TOTP.
    require_2fa = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="acquisition_has_date_and_stage",
                condition=Q(kind="parent") | (Q(acquired_on__isnull=False) & ~Q(integration_stage="")),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CloudAccount(models.Model):
    """An AWS account, a GCP project or an Azure subscription, owned by one organization."""

    class Provider(models.TextChoices):
        AWS = "aws", "AWS"
        GCP = "gcp", "Google Cloud"
        AZURE = "azure", "Azure"

    class Environment(models.TextChoices):
        PROD = "prod", "Production"
        STAGING = "staging", "Staging"
        DEV = "dev", "Development"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="accounts")
    provider = models.CharField(max_length=10, choices=Provider.choices)
    native_id = models.CharField(max_length=100, help_text="AWS account id, GCP project id or subscription id")
    name = models.CharField(max_length=200, unique=True)
    environment = models.CharField(max_length=10, choices=Environment.choices, default=Environment.PROD)
    regions = models.JSONField(default=list, blank=True, help_text="Empty: every region the account enables")
    poll_interval_seconds = models.PositiveIntegerField(default=900)
    enabled = models.BooleanField(default=True)
    # Fernet token of the credentials JSON; decrypted only inside the collector call.
    credentials_encrypted = models.TextField(blank=True, default="", editable=False)
    # What may be shown of them: kind and non-secret identifiers (never a secret).
    credentials_summary = models.JSONField(default=dict, blank=True, editable=False)
    endpoint_url = models.CharField(max_length=500, blank=True, default="")
    ca_bundle = models.TextField(blank=True, default="", help_text="PEM certificates trusted for endpoint_url")
    # Optimistic concurrency for polls: a poll commits only if no other poll committed meanwhile.
    last_snapshot = models.ForeignKey(
        "inventory.Snapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # A poll's claim on the account: set when a poll is dispatched, cleared when it ends. A claim
    # past its expiry belongs to a poll whose worker died, and the scheduler may poll again.
    poll_claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "native_id"], name="unique_account_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider}:{self.native_id})"

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_encrypted)


class Membership(models.Model):
    """A user's role in an organization. It reaches every organization under it (the parent's
    security team sees the whole group; an acquired company's team only its own)."""

    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer: read only"
        ANALYST = "analyst", "Analyst: triage, approve baselines, suppress"
        ADMIN = "admin", "Admin: accounts, channels, members, golden rules"

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="one_role_per_organization")]

    def __str__(self) -> str:
        return f"{self.user_id} is {self.role} of {self.organization_id}"


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored (the token is shown once, at creation);
    it acts as its user, with the user's roles, until it expires or is revoked."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="the token's first characters, to recognise it")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """A failed sign-in (password or second factor), kept for the lockout window. In the
    database so every web process counts the same failures (see cspm/accounts/lockout.py)."""

    username = models.CharField(max_length=150, help_text="as typed, lowercased and truncated")
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, default="password")  # password | otp

    class Meta:
        indexes = [models.Index(fields=["username", "at"], name="loginfailure_username_at"),
                   models.Index(fields=["ip", "at"], name="loginfailure_ip_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} from {self.ip}"
