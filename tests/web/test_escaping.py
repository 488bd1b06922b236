"""Whatever a cloud or a user typed comes out escaped on every page."""

import pytest
from django.db import transaction
from django.urls import reverse

from cspm.accounts.models import CloudAccount, Organization
from cspm.audit.log import record
from tests.web.conftest import member

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert(1)</script>"


def test_a_hostile_organization_and_account_name_is_escaped_everywhere(client, group):
    org = Organization.objects.create(name=f"Evil {HOSTILE}", slug="evil")
    CloudAccount.objects.create(organization=org, provider="aws", native_id="444444444444", name=f"acct {HOSTILE}")
    admin = member("evil-admin", **{org.name: "admin"})
    member("viewer-of-evil", **{org.name: "viewer"})
    with transaction.atomic():
        record("account.onboard", target_type="x", label=f"thing {HOSTILE}", organization_id=org.pk,
               detail={"note": HOSTILE})
    client.force_login(admin)
    for url in (reverse("web:home"), reverse("web:members", args=[org.pk]), reverse("web:audit"),
                reverse("web:due_diligence", args=[org.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert HOSTILE not in response.text, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text, url
    download = client.get(reverse("web:due_diligence", args=[org.pk]) + "?format=html")
    assert HOSTILE not in download.text and "&lt;script&gt;" in download.text


def test_a_hostile_username_typed_at_sign_in_is_escaped(client):
    response = client.post(reverse("web:login"), {"username": '"><img src=x onerror=alert(1)>', "password": "x"})
    assert "<img src=x" not in response.text and "&quot;&gt;&lt;img" in response.text
