"""Real servers on loopback for the alert tests: an SMTP server (aiosmtpd) and an HTTP receiver
(for Slack and webhooks) that record what they got, and can fail or go away on demand."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1; `messages` holds every accepted mail, parsed. `refuse` makes it
    answer 451 to DATA; stop() and start() take it away and bring it back on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []
        self.refuse = False
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        if self.refuse:
            return "451 4.3.0 mailbox temporarily unavailable"
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpReceiver:
    """A threaded HTTP server that records each POST and answers `status` (echoing the request
    path in error bodies, as some servers do: an error must still never show the secret)."""

    port: int = field(default_factory=free_port)
    requests: list[Request] = field(default_factory=list)
    status: int = 200
    server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.status == 200:
                    receiver.requests.append(Request(self.path, dict(self.headers), body))
                    reply = b"ok"
                else:
                    reply = f"error handling {self.path}".encode()
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def paths(self, prefix: str) -> list[Request]:
        return [r for r in self.requests if r.path.startswith(prefix)]
