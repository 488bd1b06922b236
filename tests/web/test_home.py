"""The landing page lists what the permission layer lets the user see, and nothing else."""

import pytest
from django.urls import reverse

from tests.web.conftest import member

pytestmark = pytest.mark.django_db


def test_the_landing_page_lists_reachable_organizations_and_accounts(client, group):
    client.force_login(member("gina", Globex="admin"))
    page = client.get(reverse("web:home")).text
    assert "Globex" in page and "globex-prod" in page
    assert "acme-prod" not in page and "hooli-prod" not in page and "Hooli" not in page
    assert reverse("web:members", args=[group["Globex"].pk]) in page
    assert reverse("web:due_diligence", args=[group["Globex"].pk]) in page


def test_a_viewer_gets_no_members_link_and_no_audit_link(client, group):
    client.force_login(member("vic", Acme="viewer"))
    page = client.get(reverse("web:home")).text
    assert "acme-prod" in page and "globex-prod" in page
    assert "/members/" not in page and reverse("web:audit") not in page


def test_someone_without_a_membership_sees_an_empty_page(client, group):
    client.force_login(member("stranger"))
    page = client.get(reverse("web:home")).text
    assert "not a member of any organization" in page and "prod" not in page
