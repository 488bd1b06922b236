"""The demo's local alert receivers: an SMTP server (the inbox of the demo's email channel) and a
Slack-like incoming-webhook endpoint. Each message they accept is stored as a DemoMessage, which
/demo/inbox/ shows. They run in the demo's process, on loopback unless told otherwise."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import close_old_connections, connection

from cspm.demo.models import DemoMessage

MAX_BODY = 200_000  # characters kept of a message; a receiver never grows without bound
MAX_REQUEST = 2_000_000  # bytes a Slack post may have


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message_record_email(raw: bytes, *, sender: str = "", recipients: list[str] | None = None) -> DemoMessage:
    """Store a mail as the inbox shows it: its subject and its plain-text part."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    part = parsed.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    return DemoMessage.objects.create(
        kind=DemoMessage.Kind.EMAIL, sender=_cut(str(parsed.get("From", sender)), 300),
        recipients=_cut(", ".join(recipients or [str(parsed.get("To", ""))]), 2000),
        subject=_cut(str(parsed.get("Subject", "")), 500), body=_cut(body, MAX_BODY))


def slack_text(payload: dict) -> str:
    """The readable text of a Block Kit message: header, context and sections, in order."""
    lines = []
    for block in payload.get("blocks") or []:
        if not isinstance(block, dict):
            continue
        if isinstance(block.get("text"), dict):
            lines.append(str(block["text"].get("text", "")))
        for element in block.get("elements") or []:
            if isinstance(element, dict) and "text" in element:
                lines.append(str(element["text"]))
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("url"):
            lines.append(f"[{accessory.get('text', {}).get('text', 'link')}] {accessory['url']}")
    return "\n\n".join(lines) or str(payload.get("text", ""))


def message_record_slack(payload: dict, *, path: str = "") -> DemoMessage:
    return DemoMessage.objects.create(
        kind=DemoMessage.Kind.SLACK, sender="slack webhook", recipients=_cut(path, 2000),
        subject=_cut(str(payload.get("text", "")), 500), body=_cut(slack_text(payload), MAX_BODY))


def _in_own_connection(fn, *args, **kwargs):
    """Run an ORM write from a receiver's thread, then let that thread's connection go."""
    close_old_connections()
    try:
        return fn(*args, **kwargs)
    finally:
        connection.close()


class SlackReceiver:
    """POST <any path> with a Slack incoming-webhook JSON body: stored, answered 200 "ok" (as
    Slack does); anything that is not a JSON object: 400."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> SlackReceiver:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server's hook name
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_REQUEST:
                    return self._reply(413, b"too large")
                try:
                    payload = json.loads(self.rfile.read(length) or b"null")
                except ValueError:
                    payload = None
                if not isinstance(payload, dict):
                    return self._reply(400, b"invalid_payload")
                _in_own_connection(message_record_slack, payload, path=self.path.split("?")[0][:200])
                return self._reply(200, b"ok")

            def _reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, name="demo-slack", daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


class SmtpInbox:
    """An SMTP server (aiosmtpd) that accepts every mail and stores it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        # The ORM is synchronous: store from a worker thread, not from the event loop.
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: _in_own_connection(message_record_email, envelope.content,
                                             sender=envelope.mail_from, recipients=list(envelope.rcpt_tos)))
        return "250 OK"

    def start(self) -> SmtpInbox:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=self.host, port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
