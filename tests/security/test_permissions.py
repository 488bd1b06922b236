"""Permission tests generated over every page and API endpoint the URL configuration routes
(tests/security/endpoints.py): anonymous callers are sent to sign in (pages) or get 401 (API);
nobody reads or touches an object of an organization outside their reach, with ids guessed, not
only links hidden (404); every write is refused to the role below the one it needs (403) and
works for that role; an analyst cannot manage members."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cspm.audit.models import AuditEvent
from tests.security import writes_alerts, writes_onboarding
from tests.security.endpoints import STRING_PARAMS, WRITE_METHODS, Endpoint, endpoints
from tests.security.world import MARKERS, World

pytestmark = pytest.mark.django_db

ALL = endpoints()
PUBLIC = {"healthz", "web:login"}
# A user's own things (sign-out, second factor, API tokens): any signed-in user may write them,
# and only their own (another user's token is not found).
SELF_SERVICE = {"web:logout", "web:verify", "web:twofactor_setup", "web:backup_codes", "web:tokens",
                "web:token_revoke", "api:token-list", "api:token-detail"}
# Reads that need more than "view".
READ_ROLE = {"web:members": "admin", "web:audit": "admin",
             "api:audit-event-list": "admin"}
BELOW = {"analyst": ("viewer",), "admin": ("viewer", "analyst")}


def _future() -> str:
    return (timezone.now() + dt.timedelta(days=7)).isoformat()


# Every write: the role it needs and a valid request body, so that a refusal can only be about
# permission (the same request from that role succeeds). `o` gives the ids of the organization
# the request acts in.
WRITES: dict[tuple[str, str], tuple[str, object]] = {
    ("api:account-list", "post"): ("admin", lambda o: {
        "organization": o["organization"], "provider": "aws", "native_id": "999999999999", "name": "new-account",
        "environment": "dev", "test_connection": False, "credentials": {"access_key_id": "AKIAIOSFODNN7EXAMPLE",
                                              "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}),
    ("api:account-detail", "patch"): ("admin", lambda o: {"name": "renamed-account"}),
    ("api:account-detail", "delete"): ("admin", lambda o: None),
    ("api:account-credentials", "post"): ("admin", lambda o: {"test_connection": False, "credentials": {
        "access_key_id": "AKIAIOSFODNN7EXAMPLE", "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}),
    ("api:account-test-connection", "post"): ("admin", None),  # reaches the cloud: refusal only
    ("api:finding-acknowledge", "post"): ("analyst", lambda o: {"reason": "looking"}),
    ("api:finding-suppress", "post"): ("analyst", lambda o: {"reason": "change window", "until": _future()}),
    ("api:finding-accept", "post"): ("analyst", lambda o: {"reason": "intended"}),
    ("api:account-baseline", "post"): ("analyst", lambda o: {"reason": "reviewed"}),
    ("web:member_add", "post"): ("admin", lambda o: {"username": "new-member", "role": "viewer",
                                                     "email": "n@example.com",
                                                     "password": "a long enough passphrase 42"}),
    ("web:member_role", "post"): ("admin", lambda o: {"role": "analyst"}),
    ("web:member_remove", "post"): ("admin", lambda o: {}),
    ("web:member_reset_2fa", "post"): ("admin", lambda o: {}),
    ("web:require_2fa", "post"): ("admin", lambda o: {"require_2fa": "on"}),
    ("web:account_poll", "post"): ("admin", lambda o: {}),
    ("web:findings_bulk", "post"): ("analyst", lambda o: {"finding": [o["finding"]], "action": "acknowledge",
                                                          "reason": "looking"}),
    ("web:finding_acknowledge", "post"): ("analyst", lambda o: {"reason": "looking"}),
    ("web:finding_suppress", "post"): ("analyst", lambda o: {
        "reason": "change window", "until": (timezone.now() + dt.timedelta(days=7)).date().isoformat()}),
    ("web:finding_accept", "post"): ("analyst", lambda o: {"reason": "intended"}),
    ("web:account_baseline_approve", "post"): ("analyst", lambda o: {"reason": "reviewed"}),
    **writes_alerts.WRITES,
    **writes_onboarding.WRITES,
}


def client_for(world: World, username: str | None, api: bool) -> Client:
    if username is None:
        return Client()
    if api:
        return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[username]}")
    client = Client()
    client.force_login(world.users[username])
    return client


def url(world: World, ep: Endpoint, org: str, container: str | None = None) -> str:
    """The endpoint's URL with every parameter naming an object of `org` (the first one of
    `container` instead, when given: an own container with a foreign object inside)."""
    kwargs = {}
    for i, param in enumerate(ep.params):
        if param in STRING_PARAMS:
            kwargs[param] = STRING_PARAMS[param]
            continue
        owner = container if (container and i == 0) else org
        kwargs[param] = world.id(owner, ep.kind(param))
    return reverse(ep.name, kwargs=kwargs)


def send(client: Client, ep: Endpoint, method: str, path: str, body=None):
    if method == "get":
        return client.get(path)
    if ep.api:
        return getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json")
    return client.post(path, data=body or {})


def body_for(ep: Endpoint, method: str, world: World, org: str):
    spec = WRITES.get((ep.name, method))
    make = spec[1] if spec else None
    return make(world.objects[org]) if make else None


def test_every_routed_parameter_names_a_known_kind_of_object(world):
    for ep in ALL:
        for param in ep.object_params:
            assert ep.kind(param) in world.objects["Acme"], (ep.name, param)


def test_every_write_is_classified():
    """A write endpoint nobody put in WRITES or SELF_SERVICE would escape the role tests."""
    for ep in ALL:
        if not ep.api or ep.name in SELF_SERVICE:
            continue
        for method in ep.methods:
            if method in WRITE_METHODS:
                assert (ep.name, method) in WRITES, f"{ep.name} {method.upper()}: add it to WRITES"


def test_anonymous_callers_sign_in_first(world):
    anonymous = Client()
    for ep in ALL:
        if ep.name in PUBLIC:
            continue
        path = url(world, ep, "Acme")
        for method in ep.methods:
            response = send(anonymous, ep, method, path, body_for(ep, method, world, "Acme"))
            if ep.api:
                assert response.status_code == 401, (ep.name, method, response.status_code)
            elif response.status_code != 405:
                assert response.status_code == 302, (ep.name, method, response.status_code)
                assert response["Location"].startswith(reverse("web:login")), (ep.name, response["Location"])


OUTSIDERS = [("hooli-admin", "Acme", "Hooli"), ("hooli-admin", "Globex", "Hooli"),
             ("globex-admin", "Acme", "Globex")]


@pytest.mark.parametrize(("username", "foreign", "own"), OUTSIDERS)
def test_objects_of_another_organization_are_not_found(world, username, foreign, own):
    """Every route with an object parameter, every method, ids of the other organization's
    objects (and, for nested routes, an own organization holding a foreign object): 404, and
    nothing changes."""
    events = AuditEvent.objects.count()
    probes = 0
    for ep in ALL:
        if not ep.object_params:
            continue
        client = client_for(world, username, ep.api)
        paths = {url(world, ep, foreign)}
        if len(ep.params) > 1:
            paths.add(url(world, ep, foreign, container=own))
        for path in paths:
            for method in ep.methods:
                response = send(client, ep, method, path, body_for(ep, method, world, foreign))
                allowed = {404} if ep.api else {404, 405}
                assert response.status_code in allowed, (ep.name, method, path, response.status_code)
                probes += 1
    assert probes > 30
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("username", "hidden"), [("hooli-admin", ("Acme", "Globex")), ("globex-admin", ("Acme",))])
def test_no_page_or_list_shows_another_organizations_objects(world, username, hidden):
    own = "Hooli" if username == "hooli-admin" else "Globex"
    shown_own = 0
    for ep in ALL:
        if "get" not in ep.methods or ep.name in PUBLIC:
            continue
        response = send(client_for(world, username, ep.api), ep, "get", url(world, ep, own))
        assert response.status_code < 500, (ep.name, response.status_code)
        text = b"".join(response) if response.streaming else response.content
        text = text.decode(errors="replace")
        for org in hidden:
            for marker in MARKERS[org]:
                assert marker not in text, (ep.name, marker)
        shown_own += MARKERS[own][0] in text
    assert shown_own >= 3  # the check reads real pages: the user's own account does show


def _writes():
    for ep in ALL:
        for method in ep.methods:
            if (ep.name, method) in WRITES:
                yield pytest.param(ep, method, id=f"{ep.name}-{method}")


@pytest.mark.parametrize(("ep", "method"), list(_writes()))
def test_a_write_is_refused_below_its_role_and_works_with_it(world, ep, method):
    need, make = WRITES[(ep.name, method)]
    path = url(world, ep, "Acme")
    body = make(world.objects["Acme"]) if make else None
    events = AuditEvent.objects.count()
    for role in BELOW[need]:
        response = send(client_for(world, f"acme-{role}", ep.api), ep, method, path, body)
        assert response.status_code == 403, (ep.name, method, role, response.status_code)
    assert AuditEvent.objects.count() == events  # refused: nothing happened
    if make is None:
        return
    response = send(client_for(world, f"acme-{need}", ep.api), ep, method, path, body)
    assert response.status_code < 400, (ep.name, method, need, response.status_code, response.content[:300])
    assert AuditEvent.objects.count() > events  # and the change is in the audit trail


@pytest.mark.parametrize("name", sorted(READ_ROLE))
def test_admin_reads_are_refused_to_lower_roles(world, name):
    ep = next(e for e in ALL if e.name == name)
    path = url(world, ep, "Acme")
    for role in BELOW[READ_ROLE[name]]:
        response = send(client_for(world, f"acme-{role}", ep.api), ep, "get", path)
        assert response.status_code == 403, (name, role, response.status_code)
    assert send(client_for(world, "acme-admin", ep.api), ep, "get", path).status_code == 200
