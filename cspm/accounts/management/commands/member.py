import secrets
import sys

from django.contrib.auth import get_user_model

from cspm.accounts.members import (
    member_add,
    member_as_dict,
    member_remove,
    member_role_change,
    members_of,
    organization_resolve,
    twofactor_reset,
    user_resolve,
)
from cspm.accounts.models import Membership
from cspm.core.cli import JsonCommand, OneLineParser
from cspm.core.errors import DomainError


class Command(JsonCommand):
    help = ("Members of organizations: add (creating the user if missing), list, change role, remove, and reset "
            "a user's second factor. A role reaches the organization and every organization under it.")
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        add = self.add_subcommand(sub, "add", help="give a user a role (a new user: a random password, printed once)")
        add.add_argument("organization")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Membership.Role.values)
        add.add_argument("--email", default="")
        add.add_argument("--password-stdin", action="store_true", help="a new user's initial password, from stdin")
        self.add_subcommand(sub, "list", help="members, of one organization or all").add_argument(
            "organization", nargs="?")
        role = self.add_subcommand(sub, "role", help="change a member's role")
        role.add_argument("organization")
        role.add_argument("username")
        role.add_argument("role", choices=Membership.Role.values)
        remove = self.add_subcommand(sub, "remove", help="take a user out of an organization")
        remove.add_argument("organization")
        remove.add_argument("username")
        self.add_subcommand(sub, "reset-2fa", help="delete a user's TOTP and backup codes (they enrol again)"
                            ).add_argument("username")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            qs = Membership.objects.select_related("user", "organization").order_by("organization__name",
                                                                                     "user__username")
            if options["organization"]:
                qs = members_of(organization_resolve(options["organization"])).select_related("organization")
            data = [member_as_dict(m) for m in qs]
            return self.emit(options, data, "\n".join(
                f"{d['organization']}: {d['username']} ({d['role']}{', 2FA' if d['second_factor'] else ''})"
                for d in data) or "no members")
        if action == "reset-2fa":
            user = user_resolve(options["username"])
            deleted = twofactor_reset(user=user)
            return self.emit(options, {"username": user.get_username(), "devices_deleted": deleted},
                             f"reset the second factor of {user.get_username()} ({deleted} devices deleted)")
        org = organization_resolve(options["organization"])
        if action == "add":
            return self._add(org, options)
        user = user_resolve(options["username"])
        if action == "role":
            membership = member_role_change(organization=org, user=user, role=options["role"])
            return self.emit(options, member_as_dict(membership), f"{user.get_username()} is {membership.role} "
                                                                  f"of {org.name}")
        member_remove(organization=org, user=user)
        self.emit(options, {"organization": org.name, "username": user.get_username(), "removed": True},
                  f"removed {user.get_username()} from {org.name}")

    def _add(self, org, options):
        password, generated = None, False
        if options["password_stdin"]:
            stream = options.get("stdin") or sys.stdin
            password = stream.read(4097).rstrip("\r\n")
            if not password:
                raise DomainError("no password on stdin")
        elif not get_user_model().objects.filter(username=options["username"].strip()).exists():
            password, generated = secrets.token_urlsafe(18), True
        membership, created = member_add(organization=org, username=options["username"], role=options["role"],
                                         email=options["email"], password=password)
        data = member_as_dict(membership) | {"user_created": created}
        text = f"added {membership.user.get_username()} to {org.name} as {membership.role}"
        if created and generated:
            data["password"] = password
            text += f"\nnew user's password (shown once): {password}"
        self.emit(options, data, text)
