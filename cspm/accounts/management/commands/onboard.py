from cspm.accounts.selectors import account_as_dict
from cspm.accounts.services import account_onboard
from cspm.core.cli import JsonCommand, read_input_file


class Command(JsonCommand):
    help = "Onboard a cloud account (AWS account, GCP project or Azure subscription). Never prints secrets."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--provider", required=True, help="aws, gcp or azure")
        parser.add_argument("--account-id", required=True,
                            help="12-digit AWS account id, GCP project id, or Azure subscription id")
        parser.add_argument("--name", required=True)
        parser.add_argument("--org", required=True, help="owning organization (created if new)")
        parser.add_argument("--acquired", action="store_true", help="the organization is an acquisition")
        parser.add_argument("--parent", help="parent organization of a new acquisition")
        parser.add_argument("--environment", default="prod", help="prod, staging or dev")
        parser.add_argument("--credentials", metavar="FILE", help="credentials JSON (see README)")
        parser.add_argument("--endpoint", metavar="URL", help="one base URL for every API of the cloud")
        parser.add_argument("--ca-bundle", metavar="FILE", help="PEM certificates to trust for --endpoint")
        parser.add_argument("--regions", default="", help="comma-separated; default: all enabled regions")
        parser.add_argument("--poll-interval", default="15m", metavar="DURATION",
                            help="how often to poll: 30s, 15m, 1h or 1d (a bare number is minutes); default 15m")
        parser.add_argument("--no-test", action="store_true",
                            help="save without first testing that the credentials reach the account")

    def handle(self, *args, **options):
        account = account_onboard(
            provider=options["provider"].strip().lower(),
            native_id=options["account_id"],
            name=options["name"],
            organization=options["org"],
            acquired=options["acquired"],
            parent=options["parent"],
            environment=options["environment"],
            credentials=read_input_file(options["credentials"], "credentials", 64 * 1024)
            if options["credentials"] else None,
            endpoint=options["endpoint"],
            ca_bundle=read_input_file(options["ca_bundle"], "CA bundle") if options["ca_bundle"] else None,
            regions=[r.strip() for r in options["regions"].split(",") if r.strip()],
            poll_interval=options["poll_interval"],
            test_connection=not options["no_test"],
        )
        data = account_as_dict(account)
        creds = data["credentials"]["kind"] if data["credentials"] else "none (default credential chain)"
        self.emit(options, data,
                  f"onboarded {data['provider']} account {data['account_id']} as {data['name']!r} "
                  f"(organization {data['organization']}, {data['environment']}, credentials: {creds})")
