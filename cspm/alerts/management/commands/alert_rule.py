from cspm.alerts.models import EventKind, Mode
from cspm.alerts.rules import rule_add, rule_as_dict, rule_remove, rule_summary, rules_list
from cspm.core.cli import JsonCommand, OneLineParser
from cspm.drift.severity import SEVERITIES


def _split(values):
    return [v for value in values or [] for v in value.split(",")]


class Command(JsonCommand):
    help = ("Routing rules: which events a channel hears about (minimum severity, organizations, accounts, "
            "providers, event kinds) and whether immediately or in an hourly or daily digest.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        add = self.add_subcommand(sub, "add", help="add a rule to a channel")
        add.add_argument("--channel", required=True)
        add.add_argument("--min-severity", default="low", choices=SEVERITIES)
        add.add_argument("--org", action="append", metavar="NAME",
                         help="repeatable; an organization includes its acquisitions; default: all")
        add.add_argument("--account", action="append", metavar="NAME", help="repeatable; default: all")
        add.add_argument("--provider", action="append", help="aws, gcp, azure (repeatable or comma-separated)")
        add.add_argument("--event", action="append",
                         help=f"{', '.join(EventKind.values)} (repeatable or comma-separated); default: all")
        add.add_argument("--mode", default=Mode.IMMEDIATE, choices=Mode.values)
        listing = self.add_subcommand(sub, "list", help="list rules")
        listing.add_argument("--channel")
        self.add_subcommand(sub, "remove", help="remove a rule").add_argument("id", type=int)

    def handle(self, *args, **options):
        if options["action"] == "list":
            data = [rule_as_dict(r) for r in rules_list(options["channel"])]
            return self.emit(options, data, "\n".join(rule_summary(d) for d in data) or "no alert rules")
        if options["action"] == "remove":
            data = rule_remove(rule_id=options["id"])
            return self.emit(options, data, f"removed alert rule #{data['id']}")
        rule = rule_add(channel=options["channel"], min_severity=options["min_severity"],
                        organizations=options["org"], accounts=options["account"],
                        providers=_split(options["provider"]), event_kinds=_split(options["event"]),
                        mode=options["mode"])
        data = rule_as_dict(rule)
        self.emit(options, data, f"added alert rule {rule_summary(data)}")
