import sys

from django.core.management.base import CommandError

from cspm.accounts.selectors import account_resolve
from cspm.core.cli import JsonCommand
from cspm.inventory.ingest import ConcurrentPoll
from cspm.inventory.poll import poll_account, snapshot_as_dict


class Command(JsonCommand):
    help = ("Poll one account now, synchronously. Exit code 0: ok; 1: some or all collectors failed, or "
            "another poll of the account committed meanwhile; 2: bad input.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("account", help="account name or native id")

    def handle(self, *args, **options):
        account = account_resolve(options["account"])
        try:
            result = poll_account(account.pk)
        except ConcurrentPoll as exc:
            raise CommandError(str(exc), returncode=1) from None  # not bad input: try again
        data = snapshot_as_dict(result.snapshot) | {"findings": result.findings.as_dict()}
        c = data["counts"]
        lines = [f"snapshot {data['id']} of {data['account']}: {data['status']} — "
                 f"{c['added']} added, {c['changed']} changed, {c['removed']} removed, "
                 f"{c['unchanged']} unchanged in {data['timings'].get('total', 0)}s"]
        for key, col in sorted(data["collectors"].items()):
            detail = f"{col['resources']} resources" if col["status"] == "ok" else \
                f"{col['error_kind']}: {col['error']}"
            lines.append(f"  {key}: {col['status']} ({detail})")
        if not data["collectors"]:
            lines.append(f"  no collectors are registered for {data['provider']} yet")
        f = data["findings"]
        lines.append(f"findings: {f['opened']} opened, {f['updated']} updated, {f['resolved']} resolved")
        self.emit(options, data, "\n".join(lines))
        if data["status"] != "ok":
            sys.exit(1)
