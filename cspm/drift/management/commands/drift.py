from cspm.accounts.selectors import account_resolve
from cspm.core.cli import JsonCommand
from cspm.drift.selectors import STATUS_FILTERS, finding_as_dict, findings_list


def _short(value) -> str:
    text = "∅" if value is None else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class Command(JsonCommand):
    help = "List drift findings: which resource drifted, which fields, before and after, how severe."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("account", nargs="?", help="account name or native id (default: all)")
        parser.add_argument("--status", default="open", help=f"one of: {', '.join(STATUS_FILTERS)}")

    def handle(self, *args, **options):
        account = account_resolve(options["account"]) if options["account"] else None
        rows = [finding_as_dict(f) for f in findings_list(account=account, status=options["status"])]
        lines = []
        for r in rows:
            lines.append(f"#{r['id']} [{r['severity'].upper()}] {r['status']} {r['kind']} "
                         f"{r['provider']}:{r['account']} {r['resource_type']} {r['resource_id']}")
            for c in r["changes"]:
                lines.append(f"    {c['path'] or '/'} {c['op']}: {_short(c['before'])} → {_short(c['after'])}"
                             f" ({c['severity']})")
        self.emit(options, rows, "\n".join(lines) or "no findings")
