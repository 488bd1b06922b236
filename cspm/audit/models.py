from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One state change: who, when, from where, what. Written in the transaction of the change
    it records; the database refuses to update or delete a row (see the migration's triggers)."""

    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=200, help_text="a username, cli:<os user> or system")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    source = models.CharField(max_length=10)  # cli | web | api | system
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=60, db_index=True)  # "account.onboard", "finding.suppress"...
    target_type = models.CharField(max_length=60, blank=True, default="")
    target_id = models.CharField(max_length=100, blank=True, default="")
    target = models.CharField(max_length=300, blank=True, default="", help_text="what it was, for a person")
    # The organization the change belongs to, by id only: the trail outlives what it names.
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.target}"
