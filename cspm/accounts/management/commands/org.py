from cspm.accounts.members import organization_require_2fa, organization_resolve
from cspm.core.cli import JsonCommand, OneLineParser


class Command(JsonCommand):
    help = "Organization settings: require-2fa ORG on|off (TOTP for its members and every organization under it)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        require = self.add_subcommand(sub, "require-2fa", help="require a second factor of the members, or not")
        require.add_argument("organization")
        require.add_argument("state", choices=("on", "off"))

    def handle(self, *args, **options):
        org = organization_require_2fa(organization=organization_resolve(options["organization"]),
                                       required=options["state"] == "on")
        self.emit(options, {"organization": org.name, "require_2fa": org.require_2fa},
                  f"{org.name}: two-factor sign-in {'required' if org.require_2fa else 'not required'}")
