from cspm.audit.selectors import COLUMNS, event_as_dict, events
from cspm.compliance.selectors import organization_ids
from cspm.core.cli import JsonCommand
from cspm.core.errors import DomainError
from cspm.core.exports import rows_as


class Command(JsonCommand):
    help = "The audit log: every state change, who made it, when and from where. Read-only."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--action", help="prefix, e.g. finding. or account.onboard")
        parser.add_argument("--org", help="changes of this organization (its acquisitions included)")
        parser.add_argument("--actor", help="e.g. cli:alice")
        parser.add_argument("--since", help="date or time, e.g. 2026-11-01")
        parser.add_argument("--limit", type=int, default=100, help="newest N (default 100; export: all)")
        parser.add_argument("--export", choices=["csv", "json"], help="every matching event, streamed")

    def handle(self, *args, **options):
        qs = events(action=options["action"], actor=options["actor"], since=options["since"],
                    organization_ids=organization_ids(options["org"]) if options["org"] else None)
        if options["export"]:
            rows = (event_as_dict(e) for e in qs.iterator(chunk_size=2000))
            for chunk in rows_as(options["export"], rows, COLUMNS):
                self.stdout.write(chunk, ending="")
            return
        if not 1 <= options["limit"] <= 10000:
            raise DomainError("--limit must be between 1 and 10000")
        rows = [event_as_dict(e) for e in qs[:options["limit"]]]
        self.emit(options, rows, "\n".join(f"{r['at']} {r['actor']} ({r['source']}) {r['action']} {r['target']}"
                                           for r in rows) or "no events")
