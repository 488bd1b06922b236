from cspm.accounts.selectors import account_resolve
from cspm.core.cli import JsonCommand, OneLineParser, cli_actor
from cspm.core.errors import NotFound
from cspm.drift.baselines import baseline_approve_snapshot
from cspm.drift.selectors import approval_as_dict, approvals_list
from cspm.inventory.models import Snapshot


class Command(JsonCommand):
    help = "Approve a snapshot as the account's known-good baseline, or show the approval history."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        approve = self.add_subcommand(sub, "approve", help="approve a snapshot (default: the latest)")
        approve.add_argument("account")
        approve.add_argument("--snapshot", type=int, metavar="ID")
        approve.add_argument("--reason", default="")
        history = self.add_subcommand(sub, "history", help="who approved what, when and why")
        history.add_argument("account")

    def handle(self, *args, **options):
        account = account_resolve(options["account"])
        if options["action"] == "history":
            rows = [approval_as_dict(a) for a in approvals_list(account)]
            text = "\n".join(
                f"{r['approved_at']} {r['actor']} approved {r['scope']} "
                f"{r['snapshot'] or r['resource']} ({r['entries_changed']} entries changed) {r['reason']}"
                for r in rows) or f"no baseline approved for {account.name}"
            return self.emit(options, rows, text)
        snapshot = None
        if options["snapshot"] is not None:
            snapshot = Snapshot.objects.filter(pk=options["snapshot"], account=account).first()
            if snapshot is None:
                raise NotFound(f"no snapshot {options['snapshot']} of {account.name!r}")
        approval, counts = baseline_approve_snapshot(
            account=account, snapshot=snapshot, actor=cli_actor(), reason=options["reason"])
        data = approval_as_dict(approval) | {"findings": counts.as_dict()}
        self.emit(options, data,
                  f"baseline of {account.name} approved at snapshot {approval.snapshot_id} "
                  f"({approval.entries_changed} entries changed; {counts.resolved} findings accepted, "
                  f"{counts.opened} opened)")
