"""The audit log: every state change made through the services is recorded with who, when,
from where and what, in the transaction of the change; the database refuses to edit it."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from cspm.audit.context import Actor, acting_as
from cspm.audit.models import AuditEvent
from tests.integration.helpers import BUCKET_ARN, bucket_config, cli, onboard, poll

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_the_cli_records_each_change_with_its_actor(estate, tmp_path):
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    onboard()
    poll()  # polling is not a change of configuration: not audited
    cli("baseline", "approve", "prod-aws", "--reason", "CAB-7")
    estate.put("aws.s3.bucket", BUCKET_ARN, bucket_config(block=False))
    poll()
    [finding] = cli("drift", "prod-aws")
    cli("finding", "acknowledge", str(finding["id"]), "--reason", "SEC-1")
    url = tmp_path / "slack.url"
    url.write_text("https://hooks.slack.com/services/T0/B0/s3cretT0ken")
    cli("channel", "add", "slack", "sec-slack", "--url-file", str(url))
    cli("alert_rule", "add", "--channel", "sec-slack", "--min-severity", "high")
    cli("compliance", "golden", "add", "--org", "Acme Group", "--control", "cis_aws-3.0.0-2.1.4")
    assert actions() == ["organization.create", "account.onboard", "baseline.approve", "finding.acknowledged",
                         "channel.add", "alert_rule.add", "golden_rule.add"]
    events = list(AuditEvent.objects.order_by("id"))
    assert {e.source for e in events} == {"cli"} and all(e.actor.startswith("cli:") for e in events)
    onboarded = events[1]
    assert onboarded.target == "prod-aws (aws:123456789012)" and onboarded.detail["native_id"] == "123456789012"
    assert onboarded.organization_id == events[0].organization_id
    assert events[3].detail["reason"] == "SEC-1"
    # Secrets never reach the trail.
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM audit_auditevent WHERE detail::text LIKE %s", ["%s3cretT0ken%"])
        assert cur.fetchone()[0] == 0


def test_a_refused_change_leaves_no_trace(db):
    with pytest.raises(CommandError):
        cli("onboard", "--no-test", "--provider", "aws", "--account-id", "12345", "--name", "bad", "--org", "Acme")
    onboard()
    with pytest.raises(CommandError):
        onboard("prod-aws-again", "123456789012")  # already onboarded: refused after validation
    assert actions() == ["organization.create", "account.onboard"]


def test_a_change_rolled_back_takes_its_record_with_it(db):
    from cspm.accounts.services import account_onboard

    with pytest.raises(RuntimeError), transaction.atomic():
        account_onboard(provider="aws", native_id="123456789012", name="tmp", organization="Acme")
        raise RuntimeError("the request failed after the change")
    assert not AuditEvent.objects.exists()


def test_the_database_refuses_to_edit_the_trail(db):
    from cspm.accounts.services import account_onboard

    with acting_as(Actor("alice", "web", user_id=7, ip="192.0.2.10")):  # as a signed-in request would
        account_onboard(provider="aws", native_id="123456789012", name="prod-aws", organization="Acme")
    event = AuditEvent.objects.get(action="account.onboard")
    assert (event.actor, event.source, event.user_id, event.ip) == ("alice", "web", 7, "192.0.2.10")
    for sql in ("UPDATE audit_auditevent SET actor = 'mallory'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).actor == "alice"


def test_the_trail_is_browsable_and_exportable(db):
    onboard()
    onboard("globex-prod", "210987654321")
    rows = cli("audit", "--action", "account.")
    # Newest first.
    assert [r["target"] for r in rows] == ["globex-prod (aws:210987654321)", "prod-aws (aws:123456789012)"]
    out = io.StringIO()
    call_command("audit", "--export", "csv", stdout=out)
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["action"] for r in exported] == ["account.onboard", "account.onboard", "organization.create"]
    assert cli("audit", "--since", "2999-01-01") == []
    with pytest.raises(CommandError) as err:
        cli("audit", "--since", "last tuesday")
    assert err.value.returncode == 2
