import datetime as dt

from django.utils import timezone

from cspm.core.cli import JsonCommand, OneLineParser, cli_actor
from cspm.core.errors import DomainError
from cspm.drift.findings import finding_accept, finding_acknowledge, finding_suppress
from cspm.drift.selectors import finding_as_dict


def _expiry(options) -> dt.datetime:
    if options["days"] is not None:
        return timezone.now() + dt.timedelta(days=options["days"])
    try:
        value = dt.datetime.fromisoformat(options["until"])
    except ValueError:
        raise DomainError(f"--until {options['until'][:40]!r} is not an ISO date (YYYY-MM-DD)") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Command(JsonCommand):
    help = "Triage a drift finding: acknowledge it, suppress it with a reason and expiry, or accept it."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        for name, text in (("acknowledge", "seen, being handled"), ("accept", "make the current state the baseline")):
            p = self.add_subcommand(sub, name, help=text)
            p.add_argument("id", type=int)
            p.add_argument("--reason", default="")
        p = self.add_subcommand(sub, "suppress", help="an exception with a reason, until a date")
        p.add_argument("id", type=int)
        p.add_argument("--reason", required=True)
        when = p.add_mutually_exclusive_group(required=True)
        when.add_argument("--until", help="expiry date, ISO format")
        when.add_argument("--days", type=int, help="expiry in days from now")

    def handle(self, *args, **options):
        actor, fid, reason = cli_actor(), options["id"], options["reason"]
        if options["action"] == "acknowledge":
            finding = finding_acknowledge(finding_id=fid, actor=actor, reason=reason)
        elif options["action"] == "accept":
            finding = finding_accept(finding_id=fid, actor=actor, reason=reason)
        else:
            finding = finding_suppress(finding_id=fid, actor=actor, reason=reason, until=_expiry(options))
        self.emit(options, finding_as_dict(finding), f"finding #{finding.pk} is now {finding.status}")
