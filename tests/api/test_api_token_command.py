"""manage.py api_token: create (printed once), list (never the token), revoke."""

from io import StringIO

import orjson
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from cspm.accounts.models import ApiToken
from cspm.accounts.tokens import token_user
from cspm.audit.models import AuditEvent
from tests.integration.helpers import cli

pytestmark = pytest.mark.django_db


def test_create_list_revoke():
    user = User.objects.create_user("ci-bot")
    out = StringIO()
    call_command("api_token", "create", "ci-bot", "--name", "ci", "--days", "30", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("cspm_") and token_user(raw) == user
    [listed] = cli("api_token", "list", "ci-bot")
    assert listed["name"] == "ci" and "token" not in listed and raw not in orjson.dumps(listed).decode()
    assert AuditEvent.objects.get(action="token.create").source == "cli"
    revoked = cli("api_token", "revoke", str(listed["id"]))
    assert revoked["revoked_at"] and token_user(raw) is None
    with pytest.raises(CommandError):
        cli("api_token", "revoke", str(listed["id"]))


def test_bad_input_is_one_line_and_exit_2():
    User.objects.create_user("ci-bot")
    for args in (("create", "nobody", "--name", "ci"), ("create", "ci-bot", "--name", "ci", "--days", "999"),
                 ("create", "ci-bot", "--name", " ")):
        with pytest.raises(CommandError) as err:
            cli("api_token", *args)
        assert err.value.returncode == 2
    assert not ApiToken.objects.exists()
