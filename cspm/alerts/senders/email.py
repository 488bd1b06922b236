"""Email through SMTP: the channel's own server when it has one, else Django's EMAIL_* settings.
Plain text with an HTML alternative; the HTML is rendered by Django's templates, which escape
every value (a resource may be named <script>)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend
from django.template.loader import render_to_string

from cspm.alerts.message import Message, headline, item_title, subject, where
from cspm.alerts.senders.base import SendError, root_reason, scrub

MAX_ITEMS = 200


def _connection(config: dict, secrets: dict):
    timeout = settings.CSPM_ALERT_TIMEOUT
    smtp = config.get("smtp") or {}
    if not smtp.get("host"):
        return get_connection(fail_silently=False, timeout=timeout)
    security = smtp.get("security", "none")
    return EmailBackend(host=smtp["host"], port=smtp.get("port") or 25, username=smtp.get("username") or "",
                        password=secrets.get("smtp_password") or "", use_tls=security == "starttls",
                        use_ssl=security == "ssl", timeout=timeout, fail_silently=False)


def render(m: Message) -> tuple[str, str]:
    items = [{**item, "title": item_title(item), "where": where(item)} for item in m.items[:MAX_ITEMS]]
    context = {"m": m, "headline": headline(m), "items": items, "hidden": m.total - len(items)}
    return render_to_string("alerts/email.txt", context), render_to_string("alerts/email.html", context)


def send(config: dict, secrets: dict, m: Message) -> None:
    text, html = render(m)
    smtp = config.get("smtp") or {}
    sender = smtp.get("from") or settings.DEFAULT_FROM_EMAIL
    message = EmailMultiAlternatives(subject(m), text, sender, to=config["recipients"],
                                     connection=_connection(config, secrets),
                                     headers={"Message-ID": m.message_id, "X-CSPM-Notification": m.key})
    message.attach_alternative(html, "text/html")
    server = f"{smtp.get('host')}:{smtp.get('port') or 25}" if smtp.get("host") else "the default mail server"
    try:
        message.send()
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        raise SendError(scrub(f"SMTP {server} refused: {exc.smtp_code} {detail}", secrets)) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(scrub(f"SMTP {server} refused every recipient ({len(exc.recipients)})", secrets)) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(scrub(f"SMTP {server}: {root_reason(exc)}", secrets)) from None
