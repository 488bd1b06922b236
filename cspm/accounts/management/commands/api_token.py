from django.contrib.auth import get_user_model

from cspm.accounts.models import ApiToken
from cspm.accounts.tokens import token_create, token_revoke, tokens_of
from cspm.core.cli import JsonCommand, OneLineParser
from cspm.core.errors import NotFound


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"no user {username[:60]!r}")
    return user


def _as_dict(token: ApiToken) -> dict:
    return {"id": token.pk, "user": token.user.get_username(), "name": token.name, "prefix": token.prefix,
            "created_at": token.created_at.isoformat(), "expires_at": token.expires_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None}


class Command(JsonCommand):
    help = "Personal API tokens of a user: create one (printed once, never again), list them, revoke one."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=OneLineParser)
        create = self.add_subcommand(sub, "create", help="a new token for USERNAME, printed once")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="what it is for, e.g. ci")
        create.add_argument("--days", type=int, help="days until it expires (default CSPM_API_TOKEN_DAYS, max 365)")
        listing = self.add_subcommand(sub, "list", help="a user's tokens (never the tokens themselves)")
        listing.add_argument("username")
        revoke = self.add_subcommand(sub, "revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args, **options):
        if options["action"] == "create":
            token, raw = token_create(user=_user(options["username"]), name=options["name"], days=options["days"])
            return self.emit(options, _as_dict(token) | {"token": raw},
                             f"token #{token.pk} {token.name!r} for {token.user.get_username()}, expires "
                             f"{token.expires_at:%Y-%m-%d} (shown once, keep it secret):\n{raw}")
        if options["action"] == "list":
            rows = [_as_dict(t) for t in tokens_of(_user(options["username"])).select_related("user")]
            text = "\n".join(f"#{r['id']} {r['name']} {r['prefix']}… expires {r['expires_at'][:10]}"
                             f"{' revoked' if r['revoked_at'] else ''}" for r in rows) or "no tokens"
            return self.emit(options, rows, text)
        token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise NotFound(f"no token {options['id']}")
        token = token_revoke(user=token.user, token_id=token.pk)
        return self.emit(options, _as_dict(token), f"token #{token.pk} {token.name!r} revoked")
