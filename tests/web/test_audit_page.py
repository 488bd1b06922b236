"""The audit browser: scoped to what the admin manages (an acquisition's admin never sees the
parent's events), filtered, paged by id, exported as CSV or JSON with the same filters."""

import csv
import io

import orjson
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cspm.audit.context import Actor, acting_as
from cspm.audit.log import record
from cspm.audit.models import AuditEvent
from cspm.audit.selectors import events_visible_to
from tests.web.conftest import member, sign_in

pytestmark = pytest.mark.django_db


def event(action: str, org=None, *, actor: str = "cli:ops", user=None, target=None, detail=None, label=""):
    with transaction.atomic(), acting_as(Actor(actor, "cli", user.pk if user else None)):
        return record(action, target=target, target_type="" if target else "test.thing", label=label or action,
                      organization_id=org.pk if org else None, detail=detail)


@pytest.fixture
def trail(group):
    ciso = member("ciso", Acme="admin")
    gadmin = member("gadmin", Globex="admin")
    gina = member("gina", Globex="viewer")
    event("account.onboard", group["Acme"])
    event("account.onboard", group["Globex"])
    event("account.onboard", group["Hooli"])
    event("token.create", actor="ciso", user=ciso)  # a parent admin's own, user-level
    event("token.create", actor="gina", user=gina)  # a Globex member's
    event("auth.login_failed", actor="anonymous", target=gina)  # about a Globex member
    event("credentials.rotate_key")  # an operator's, of no organization
    return {"ciso": ciso, "gadmin": gadmin, "gina": gina}


def actions(response) -> list[str]:
    return [e["e"].action + (f"@{e['organization']}" if e["organization"] else "") for e in response.context["events"]]


def test_an_acquisitions_admin_sees_its_own_and_its_members_events_only(client, trail):
    client.force_login(trail["gadmin"])
    seen = actions(client.get(reverse("web:audit")))
    assert seen == ["auth.login_failed", "token.create", "account.onboard@Globex"]


def test_the_parents_admin_sees_the_group_but_not_another_company(client, trail):
    client.force_login(trail["ciso"])
    seen = actions(client.get(reverse("web:audit")))
    assert "account.onboard@Hooli" not in seen and "credentials.rotate_key" not in seen
    assert {"account.onboard@Acme", "account.onboard@Globex"} <= set(seen)
    assert seen.count("token.create") == 2 and "auth.login_failed" in seen


def test_a_superuser_sees_everything_and_others_are_refused(client, trail, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x" * 20)
    client.force_login(root)
    assert len(client.get(reverse("web:audit")).context["events"]) == AuditEvent.objects.count()
    client.force_login(member("ana", Acme="analyst"))
    assert client.get(reverse("web:audit")).status_code == 403
    assert "Audit" not in client.get(reverse("web:home")).text.split("</nav>")[0]


def test_filters_by_action_prefix_actor_and_since(client, trail):
    client.force_login(trail["ciso"])
    assert set(actions(client.get(reverse("web:audit"), {"action": "account."}))) == {
        "account.onboard@Acme", "account.onboard@Globex"}
    assert actions(client.get(reverse("web:audit"), {"actor": "gina"})) == ["token.create"]
    assert actions(client.get(reverse("web:audit"), {"since": "2999-01-01"})) == []
    bad = client.get(reverse("web:audit"), {"since": "next tuesday"})
    assert bad.status_code == 400 and "cannot read" in bad.text


def test_pages_follow_ids_not_offsets(client, group, settings):
    ciso = member("ciso", Acme="admin")
    for n in range(120):
        event("finding.acknowledge", group["Acme"], detail={"n": n})
    client.force_login(ciso)
    first = client.get(reverse("web:audit"))
    rows = first.context["events"]
    assert len(rows) == 50 and rows[0]["e"].detail["n"] == 119
    assert first.context["older"] == f"before={rows[-1]['e'].pk}"
    with CaptureQueriesContext(connection) as done:
        second = client.get(reverse("web:audit") + "?" + first.context["older"])
    assert not any("OFFSET" in q["sql"] for q in done.captured_queries)
    assert second.context["events"][0]["e"].detail["n"] == 69
    third = client.get(reverse("web:audit") + "?" + second.context["older"])
    assert len(third.context["events"]) == 20 and not third.context["older"]
    assert 'href="?"' in third.text  # back to the newest


def test_export_has_the_same_scope_and_filters(client, trail):
    client.force_login(trail["gadmin"])
    response = client.get(reverse("web:audit"), {"action": "account.", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="audit.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["action"], r["organization_id"]) for r in rows] == [
        ("account.onboard", str(trail["gina"].memberships.get().organization_id))]
    response = client.get(reverse("web:audit"), {"format": "json"})
    assert response["Content-Type"] == "application/json"
    data = orjson.loads(b"".join(response.streaming_content))
    assert [d["action"] for d in data] == ["auth.login_failed", "token.create", "account.onboard"]
    assert client.get(reverse("web:audit"), {"format": "xml"}).status_code == 400


def test_a_cell_that_looks_like_a_formula_is_defused_in_csv(client, group):
    ciso = member("ciso", Acme="admin")
    event("account.onboard", group["Acme"], label='=HYPERLINK("http://evil.example")')
    client.force_login(ciso)
    text = b"".join(client.get(reverse("web:audit"), {"format": "csv"}).streaming_content).decode()
    assert "'=HYPERLINK" in text and ",=" not in text


def test_sign_in_events_reach_the_members_admins(client, group):
    member("gadmin", Globex="admin")
    member("gina", Globex="viewer")
    sign_in(client, "gina")
    client.post(reverse("web:logout"))
    sign_in(client, "gina", "wrong password 123")
    visible = events_visible_to(member("other-admin", Hooli="admin"))
    assert not visible.filter(action__startswith="auth.").exists()
    sign_in(client, "gadmin")
    seen = actions(client.get(reverse("web:audit"), {"action": "auth."}))
    assert seen == ["auth.login", "auth.login_failed", "auth.logout", "auth.login"]  # gadmin's, then gina's
