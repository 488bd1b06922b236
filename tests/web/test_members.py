"""Members pages: admins only (an analyst gets 403, an outsider 404, an acquisition's admin cannot
touch the parent's members), every change audited with its organization."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspm.accounts.models import Membership
from cspm.audit.models import AuditEvent
from tests.web.conftest import PASSWORD, enrolled, member, totp_code

pytestmark = pytest.mark.django_db


def url(name: str, org, *args) -> str:
    return reverse(f"web:{name}", args=[org.pk, *args])


def signed_in(client, user):
    client.force_login(user)
    return client


def test_who_may_see_the_members_page(client, group):
    acme, globex = group["Acme"], group["Globex"]
    admin = member("ciso", Acme="admin")
    assert signed_in(client, admin).get(url("members", acme)).status_code == 200
    assert client.get(url("members", globex)).status_code == 200  # an acquisition of Acme
    assert client.get(url("members", group["Hooli"])).status_code == 404
    signed_in(client, member("ana", Acme="analyst"))
    assert client.get(url("members", acme)).status_code == 403
    assert client.post(url("member_add", acme), {"username": "x", "role": "viewer"}).status_code == 403
    signed_in(client, member("vic", Acme="viewer"))
    assert client.get(url("members", acme)).status_code == 403
    signed_in(client, member("out", Hooli="admin"))
    assert client.get(url("members", acme)).status_code == 404
    assert client.get(reverse("web:members", args=[999999])).status_code == 404


def test_an_acquisitions_admin_cannot_manage_the_parents_members(client, group):
    acme, globex = group["Acme"], group["Globex"]
    ciso = member("ciso", Acme="admin")
    parent_viewer = member("pv", Acme="viewer")
    signed_in(client, member("gadmin", Globex="admin"))
    assert client.get(url("members", globex)).status_code == 200
    assert client.get(url("members", acme)).status_code == 404
    mid = Membership.objects.get(user=parent_viewer).pk
    assert client.post(url("member_role", acme, mid), {"role": "admin"}).status_code == 404
    assert client.post(url("member_remove", acme, mid)).status_code == 404
    # A parent's membership id through the acquisition's page is not found either.
    assert client.post(url("member_remove", globex, mid)).status_code == 404
    assert client.post(url("require_2fa", acme), {"require_2fa": "on"}).status_code == 404
    # The parent's admins show, read only, on the acquisition's page.
    page = client.get(url("members", globex)).text
    assert "Admins from above" in page and ciso.username in page
    assert url("member_remove", acme, Membership.objects.get(user=ciso).pk) not in page
    assert Membership.objects.filter(user=parent_viewer, role="viewer").exists()


def test_add_an_existing_user_and_create_a_new_one(client, group):
    globex = group["Globex"]
    admin = member("gadmin", Globex="admin")
    newcomer = member("newcomer")
    signed_in(client, admin)
    assert client.post(url("member_add", globex), {"username": "newcomer", "role": "analyst"}).status_code == 302
    assert Membership.objects.get(user=newcomer, organization=globex).role == "analyst"
    weak = client.post(url("member_add", globex), {"username": "fresh", "role": "viewer", "password": "password"})
    assert weak.status_code == 400 and "too short" in weak.text
    assert not User.objects.filter(username="fresh").exists()
    created = client.post(url("member_add", globex), {"username": "fresh", "role": "viewer", "email": "f@example.com",
                                                      "password": "a long and unusual passphrase"})
    assert created.status_code == 302
    fresh = User.objects.get(username="fresh")
    assert fresh.check_password("a long and unusual passphrase") and fresh.email == "f@example.com"
    added = AuditEvent.objects.filter(action="member.add", organization_id=globex.pk).order_by("id")
    assert [(e.target, e.detail["role"], e.detail["user_created"]) for e in added] == [
        ("newcomer", "analyst", False), ("fresh", "viewer", True)]
    assert "password" not in str(added.last().detail)
    again = client.post(url("member_add", globex), {"username": "fresh", "role": "viewer"})
    assert again.status_code == 400 and "already a member" in again.text


def test_an_admin_cannot_pull_in_someone_from_another_company(client, group):
    member("hooli-user", Hooli="viewer")
    signed_in(client, member("gadmin", Globex="admin"))
    response = client.post(url("member_add", group["Globex"]), {"username": "hooli-user", "role": "viewer"})
    assert response.status_code == 400 and "do not manage" in response.text
    assert not Membership.objects.filter(user__username="hooli-user", organization=group["Globex"]).exists()


def test_role_change_and_removal_are_audited(client, group):
    acme = group["Acme"]
    admin = member("ciso", Acme="admin")
    dana = member("dana", Acme="viewer")
    mid = Membership.objects.get(user=dana).pk
    signed_in(client, admin)
    assert client.post(url("member_role", acme, mid), {"role": "analyst"}).status_code == 302
    assert Membership.objects.get(pk=mid).role == "analyst"
    change = AuditEvent.objects.get(action="member.role_change")
    assert (change.actor, change.organization_id, change.target, change.detail["from"], change.detail["to"]) == (
        "ciso", acme.pk, "dana", "viewer", "analyst")
    assert client.post(url("member_remove", acme, mid)).status_code == 302
    assert not Membership.objects.filter(pk=mid).exists()
    removal = AuditEvent.objects.get(action="member.remove")
    assert (removal.organization_id, removal.target_id, removal.source) == (acme.pk, str(dana.pk), "web")


def test_the_last_admin_stays(client, group):
    acme = group["Acme"]
    admin = member("ciso", Acme="admin")
    signed_in(client, admin)
    mid = Membership.objects.get(user=admin).pk
    response = client.post(url("member_role", acme, mid), {"role": "viewer"}, follow=True)
    assert "last admin" in response.text
    client.post(url("member_remove", acme, mid))
    assert Membership.objects.get(pk=mid).role == "admin"
    assert not AuditEvent.objects.filter(action__startswith="member.").exists()


def test_reset_a_members_second_factor(client, group):
    globex = group["Globex"]
    gina = member("gina", Globex="viewer")
    enrolled(gina)
    StaticDevice.objects.create(user=gina, name="backup codes", confirmed=True)
    signed_in(client, member("gadmin", Globex="admin"))
    page = client.get(url("members", globex)).text
    assert "Reset 2FA" in page
    assert client.post(url("member_reset_2fa", globex, Membership.objects.get(user=gina).pk)).status_code == 302
    assert not TOTPDevice.objects.filter(user=gina).exists() and not StaticDevice.objects.filter(user=gina).exists()
    reset = AuditEvent.objects.get(action="twofactor.reset")
    assert (reset.target_id, reset.organization_id, reset.detail["devices"]) == (str(gina.pk), None, 2)


def test_an_acquisitions_admin_cannot_reset_a_parent_admins_second_factor(client, group):
    ciso = member("ciso", Acme="admin", Globex="viewer")
    enrolled(ciso)
    signed_in(client, member("gadmin", Globex="admin"))
    mid = Membership.objects.get(user=ciso, organization=group["Globex"]).pk
    response = client.post(url("member_reset_2fa", group["Globex"], mid), follow=True)
    assert "do not manage" in response.text
    assert TOTPDevice.objects.filter(user=ciso).exists()


def test_require_2fa_toggle_is_audited_and_applies_at_once(client, group):
    acme = group["Acme"]
    ciso = member("ciso", Acme="admin")
    signed_in(client, ciso)
    assert client.post(url("require_2fa", acme), {"require_2fa": "on"}).status_code == 302
    acme.refresh_from_db()
    assert acme.require_2fa
    # The admin's own session is held to it from the next request.
    assert client.get(url("members", acme)).url == reverse("web:twofactor_setup")
    device = enrolled(ciso)
    client.post(reverse("web:verify"), {"code": totp_code(device)})
    assert "Required of everyone here by Acme" in client.get(url("members", group["Globex"])).text
    other = member("gina", Globex="viewer")
    assert Client().post(reverse("web:login"), {"username": other.username, "password": PASSWORD}).url == reverse(
        "web:twofactor_setup")
    client.post(url("require_2fa", acme), {"require_2fa": "off"})
    acme.refresh_from_db()
    assert not acme.require_2fa
    assert [e.detail["required"] for e in AuditEvent.objects.filter(action="organization.require_2fa")
            .order_by("id")] == [True, False]


def test_the_members_page_makes_as_many_queries_for_many_members_as_for_one(client, group):
    acme = group["Acme"]
    signed_in(client, member("ciso", Acme="admin"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(url("members", acme)).status_code == 200
        return len(done)

    few = queries()
    for n in range(15):
        enrolled(member(f"user{n}", Acme="viewer"))
    assert queries() == few
