"""The main pages in a real browser, as an Acme admin over the seeded group: each renders,
breaks no CSP rule, shows the user's own estate and nothing of Hooli; screenshots are saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import shoot
from tests.browser.test_sign_in import sign_in
from tests.security.world import PASSWORD, build_world

pytestmark = pytest.mark.django_db(transaction=True)


# Form controls a screen reader could not name: no <label>, aria-label or aria-labelledby.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !el.hidden)
  .filter(el => !(el.labels && el.labels.length))
  .filter(el => !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""


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
        "alerts": reverse("web:alerts"),
        "alert-channel": reverse("web:alert_channel", args=[acme["channel"]]),
        "alert-deliveries": reverse("web:alert_deliveries"),
        "onboard": reverse("web:onboard"),
        "onboard-aws": reverse("web:onboard_account", args=[acme["organization"]]) + "?cloud=aws",
        "onboard-gcp": reverse("web:onboard_account", args=[acme["organization"]]) + "?cloud=gcp",
        "onboard-azure": reverse("web:onboard_account", args=[acme["organization"]]) + "?cloud=azure",
        "discover": reverse("web:account_discover", args=[acme["account"]]),
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, (name, response.status)
        text = page.locator("main").inner_text()
        assert "hooli-prod" not in text, name
        assert page.evaluate(UNLABELLED) == [], name
        shoot(page, name)
    page.goto(reverse("web:finding", args=[acme["finding"]]))
    assert page.locator("table.config-diff tr.diff-replace").count() >= 1  # the version moved
    assert page.console_errors == []


def test_the_keyboard_reaches_the_content_first(page, estate):
    build_world(estate)
    sign_in(page, "acme-admin", PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("web:findings"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")  # the next stop is inside the main content, not the navigation
    assert page.evaluate("document.activeElement.closest('main') !== null")
