"""The main pages in a real browser, as an Acme admin over the seeded group: each renders,
breaks no CSP rule, shows the user's own estate and nothing of Hooli; screenshots are saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import shoot
from tests.browser.test_sign_in import sign_in
from tests.security.world import PASSWORD, build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_main_pages_render_in_chromium(page, estate):
    world = build_world(estate)
    sign_in(page, "acme-admin", PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    acme = world.objects["Acme"]
    pages = {
        "dashboard": reverse("web:home"),
        "accounts": reverse("web:accounts"),
        "account": reverse("web:account", args=[acme["account"]]),
        "findings": reverse("web:findings"),
        "finding": reverse("web:finding", args=[acme["finding"]]),
        "resource": reverse("web:resource", args=[acme["resource"]]),
        "organizations": reverse("web:organizations"),
        "compliance": reverse("web:compliance"),
        "members": reverse("web:members", args=[acme["organization"]]),
        "audit": reverse("web:audit"),
        "due-diligence": reverse("web:due_diligence", args=[world.objects["Globex"]["organization"]]),
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, (name, response.status)
        text = page.locator("main").inner_text()
        assert "hooli-prod" not in text, name
        shoot(page, name)
    page.goto(reverse("web:finding", args=[acme["finding"]]))
    assert page.locator("table.config-diff tr.diff-replace").count() >= 1  # the version moved
    assert page.console_errors == []
