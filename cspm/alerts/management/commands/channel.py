import sys

from django.core.management.base import CommandError

from cspm.alerts.channels import channel_add, channel_as_dict, channel_remove, channel_summary, channel_test
from cspm.alerts.models import Channel
from cspm.alerts.senders import SendError
from cspm.core.cli import JsonCommand, OneLineParser, read_input_file
from cspm.core.errors import DomainError

STDIN_FLAGS = ("url_stdin", "secret_stdin", "smtp_password_stdin")


class Command(JsonCommand):
    help = ("Alert channels: add (email, slack, webhook), list, remove, test. Secrets (webhook URLs, the "
            "signing secret, the SMTP password) are read from a file or stdin, never from the command line, "
            "stored encrypted and never printed.")
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        add = self.add_subcommand(sub, "add", help="add a channel")
        add.add_argument("kind", choices=Channel.Kind.values)
        add.add_argument("name")
        add.add_argument("--org", help="only this organization's accounts (and its acquisitions'); default: all")
        add.add_argument("--recipients", help="email: comma-separated addresses")
        url = add.add_mutually_exclusive_group()
        url.add_argument("--url-file", metavar="FILE", help="slack/webhook: a file holding the URL")
        url.add_argument("--url-stdin", action="store_true", help="slack/webhook: read the URL from stdin")
        secret = add.add_mutually_exclusive_group()
        secret.add_argument("--secret-file", metavar="FILE", help="webhook: a file holding the signing secret")
        secret.add_argument("--secret-stdin", action="store_true", help="webhook: read the signing secret from stdin")
        add.add_argument("--smtp-host", help="email: SMTP server (default: the EMAIL_* settings)")
        add.add_argument("--smtp-port", type=int)
        add.add_argument("--smtp-username")
        password = add.add_mutually_exclusive_group()
        password.add_argument("--smtp-password-file", metavar="FILE")
        password.add_argument("--smtp-password-stdin", action="store_true")
        add.add_argument("--smtp-security", choices=("none", "starttls", "ssl"))
        add.add_argument("--from", dest="sender", metavar="ADDRESS", help="email: sender address")
        self.add_subcommand(sub, "list", help="list channels (never their secrets)")
        for name, text in (("remove", "remove a channel, its rules and its outbox"),
                           ("test", "send a test message through a channel now")):
            self.add_subcommand(sub, name, help=text).add_argument("name")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            data = [channel_as_dict(c) for c in Channel.objects.select_related("organization")]
            return self.emit(options, data, "\n".join(channel_summary(d) for d in data) or "no channels")
        if action == "remove":
            data = channel_remove(name=options["name"])
            return self.emit(options, data, f"removed channel {data['name']!r}")
        if action == "test":
            try:
                data = channel_test(name=options["name"])
            except SendError as exc:
                raise CommandError(f"test message through {options['name']!r} failed: {exc}", returncode=1) from None
            return self.emit(options, data, f"test message sent through {data['channel']!r} ({data['kind']})")
        channel = channel_add(
            kind=options["kind"], name=options["name"], organization=options["org"], recipients=options["recipients"],
            url=self._secret(options, "url", "URL"), signing_secret=self._secret(options, "secret", "signing secret"),
            smtp_host=options["smtp_host"], smtp_port=options["smtp_port"], smtp_username=options["smtp_username"],
            smtp_password=self._secret(options, "smtp_password", "SMTP password"),
            smtp_security=options["smtp_security"], sender=options["sender"])
        data = channel_as_dict(channel)
        self.emit(options, data, f"added channel {channel_summary(data)}")

    def _secret(self, options, name: str, what: str) -> bytes | None:
        """A secret from its file or stdin: never an argument (shell history, the process list)."""
        if sum(bool(options.get(flag)) for flag in STDIN_FLAGS) > 1:
            raise DomainError("stdin holds one secret: use a file for the others")
        if options.get(f"{name}_file"):
            return read_input_file(options[f"{name}_file"], what, 16 * 1024)
        if options.get(f"{name}_stdin"):
            stream = options.get("stdin") or sys.stdin
            data = stream.read(16 * 1024 + 1)
            return data.encode() if isinstance(data, str) else data
        return None
