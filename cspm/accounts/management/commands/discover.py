from cspm.accounts.discovery import bulk_onboard, discover_accounts
from cspm.accounts.selectors import account_resolve
from cspm.core.cli import JsonCommand


class Command(JsonCommand):
    help = ("List the accounts an onboarded account's credentials can see (the members of its AWS "
            "Organization), and with --onboard bring them all in with one role to assume.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("account", help="the onboarded management account (name or native id)")
        parser.add_argument("--onboard", action="store_true", help="onboard every member not yet onboarded")
        parser.add_argument("--role-name", help="AWS: role to assume in each member account, e.g. cspm-reader "
                                                "(GCP and Azure reuse the source account's credentials)")
        parser.add_argument("--external-id", help="external id the role's trust policy requires")
        parser.add_argument("--org", help="organization to own them (default: the source account's)")
        parser.add_argument("--acquired", action="store_true", help="a new --org is an acquisition")
        parser.add_argument("--environment", default="prod", help="prod, staging or dev")
        parser.add_argument("--no-test", action="store_true", help="do not test each connection first")

    def handle(self, *args, **options):
        source = account_resolve(options["account"])
        members = discover_accounts(source)
        if not options["onboard"]:
            lines = [f"{m['account_id']}  {m.get('status') or m.get('state') or '':<10} {m['name']}"
                     + (f"  (onboarded as {m['onboarded_as']})" if m["onboarded_as"] else "") for m in members]
            return self.emit(options, members, "\n".join(lines) or "no accounts visible")
        result = bulk_onboard(
            source=source, members=members, role_name=options["role_name"], external_id=options["external_id"],
            organization=options["org"] or source.organization.name, acquired=options["acquired"],
            environment=options["environment"], test_connection=not options["no_test"])
        data = result.as_dict()
        lines = [f"onboarded {len(data['onboarded'])}, skipped {len(data['skipped'])}, failed {len(data['failed'])}"]
        lines += [f"  failed {f['account_id']} ({f['name']}): {f['error']}" for f in data["failed"]]
        self.emit(options, data, "\n".join(lines))
