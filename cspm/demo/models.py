from django.db import models


class DemoMessage(models.Model):
    """An alert the demo's local receivers caught: a mail delivered to its SMTP inbox, or a post
    to its Slack-like webhook. Shown on /demo/inbox/."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sender = models.CharField(max_length=300, blank=True, default="")
    recipients = models.CharField(max_length=2000, blank=True, default="")
    subject = models.CharField(max_length=500, blank=True, default="")
    body = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}"
