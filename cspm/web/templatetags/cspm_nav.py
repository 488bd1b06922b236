"""What the navigation shows: nothing but sign-out until the second factor is done, the audit
log only to admins."""

from django import template
from django.urls import NoReverseMatch, reverse

from cspm.accounts import twofactor
from cspm.web.scope import manages_anything

register = template.Library()

# The main navigation: (route name, label, who sees it). A route not built yet is left out.
SECTIONS = [
    ("web:home", "Dashboard", "all"),
    ("web:accounts", "Accounts", "all"),
    ("web:organizations", "Organizations", "all"),
    ("web:findings", "Drift", "all"),
    ("web:compliance", "Compliance", "all"),
    ("web:alerts", "Alerts", "admin"),
    ("web:audit", "Audit", "admin"),
    ("demo:inbox", "Demo inbox", "admin"),  # routed only in demo mode
]


def _sections(user, admin: bool) -> list[dict]:
    shown = []
    for name, label, who in SECTIONS:
        if who == "admin" and not admin:
            continue
        try:
            shown.append({"name": name.split(":")[1], "label": label, "url": reverse(name)})
        except NoReverseMatch:
            continue
    return shown


@register.simple_tag
def nav_for(user) -> dict:
    if not getattr(user, "is_authenticated", False):
        return {"signed_in": False}
    verified = twofactor.satisfied(user)
    admin = verified and manages_anything(user)
    return {"signed_in": True, "verified": verified, "audit": admin,
            "sections": _sections(user, admin) if verified else []}
