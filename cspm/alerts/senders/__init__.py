"""One plain function per channel kind: send(config, secrets, message), raising SendError."""

from cspm.alerts.senders import email, slack, webhook
from cspm.alerts.senders.base import SendError

SENDERS = {"email": email.send, "slack": slack.send, "webhook": webhook.send}

__all__ = ["SENDERS", "SendError"]
