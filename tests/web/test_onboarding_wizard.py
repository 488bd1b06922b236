"""The onboarding wizard and discovery pages, driving the real SDKs against local fake clouds (moto's
server, the GCP simulator, the fake ARM endpoint): what to grant per cloud (built from what the
collectors call), test connection without saving, save with the test, bulk onboarding of an AWS
Organization's accounts into an acquisition, permissions and escaping."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from cspm.accounts import permissions_guide as guide
from cspm.accounts.crypto import decrypt_credentials
from cspm.accounts.models import CloudAccount
from cspm.accounts.services import account_onboard
from cspm.audit.models import AuditEvent
from cspm.web.onboarding import EXTERNAL_IDS
from tests.support.aws import ACCESS, ACCOUNT
from tests.support.azure import (  # noqa: F401  (fixtures)
    SECRET,
    SERVICE_PRINCIPAL,
    SUBSCRIPTION,
    arm_server,
    fake_arm,
    fake_ca_file,
)
from tests.support.gcp import PROJECT, gcp, gcp_key, gcp_keypair, gcp_server  # noqa: F401  (fixtures)
from tests.web.conftest import member

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
COLLECTORS = Path(__file__).resolve().parents[2] / "collectors"


@pytest.fixture(autouse=True)
def _lean_moto(monkeypatch):
    """No AWS managed policies in moto's accounts here: each new account (an Organization's member,
    an assumed role's account) would load a thousand of them."""
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")


@pytest.fixture
def admin(group):
    return member("ada", Acme="admin")


@pytest.fixture
def browser(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def wizard_url(org, cloud: str) -> str:
    return f"{reverse('web:onboard_account', args=[org.pk])}?cloud={cloud}"


def code_block(page: str, block_id: str) -> str:
    match = re.search(rf'<pre id="{block_id}"[^>]*><code>(.*?)</code></pre>', page, re.S)
    assert match, block_id
    return html.unescape(match.group(1))


def aws_form(moto_url: str, native_id: str = ACCOUNT, **overrides) -> dict:
    return {"cloud": "aws", "native_id": native_id, "name": "acme-aws", "environment": "prod", "mode": "keys",
            "partition": "aws", "role_name": "cspm-reader", "access_key_id": ACCESS["access_key_id"],
            "secret_access_key": ACCESS["secret_access_key"], "poll_interval": "15m", "endpoint": moto_url,
            "regions": "us-east-1", "action": "test", **overrides}


def _operations(provider: str, pattern: str) -> set[str]:
    found = set()
    for path in (COLLECTORS / provider).glob("*.py"):
        found |= set(re.findall(pattern, path.read_text()))
    return found


# --- step 1 ----------------------------------------------------------------------------------


def test_step_one_offers_the_managed_organizations_and_leads_to_the_cloud(browser, group):
    page = browser.get(reverse("web:onboard"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Acme" in text and "Globex (acquisition of Acme)" in text and "Hooli" not in text
    response = browser.get(reverse("web:onboard"), {"cloud": "gcp", "organization": group["Globex"].pk,
                                                     "environment": "staging", "name": HOSTILE})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:onboard_account", args=[group["Globex"].pk]))
    page = browser.get(response["Location"])
    assert page.status_code == 200 and ESCAPED in page.content.decode() and HOSTILE not in page.content.decode()
    # An organization the user does not manage is not a choice.
    refused = browser.get(reverse("web:onboard"), {"cloud": "aws", "organization": group["Hooli"].pk,
                                                    "environment": "prod", "name": "x"})
    assert refused.status_code == 400


def test_the_accounts_list_links_to_the_wizard_for_admins_only(browser, group):
    assert reverse("web:onboard") in browser.get(reverse("web:accounts")).content.decode()
    viewer = Client()
    viewer.force_login(member("vic", Acme="viewer"))
    assert reverse("web:onboard") not in viewer.get(reverse("web:accounts")).content.decode()


# --- what to grant ---------------------------------------------------------------------------


def test_aws_instructions_hold_every_action_the_collectors_call_and_the_external_id(browser, group):
    import botocore.session
    from botocore import xform_name

    page = browser.get(wizard_url(group["Acme"], "aws")).content.decode()
    policy = json.loads(code_block(page, "aws-policy"))
    actions = set(policy["Statement"][0]["Action"])
    assert policy["Statement"][0]["Effect"] == "Allow" and "organizations:ListAccounts" in actions
    assert not any("*" in a or a.split(":")[1].startswith(("Put", "Create", "Delete", "Update")) for a in actions)
    # Every SDK operation named in the AWS collectors is in the table, with its actions in the policy...
    called = _operations("aws", r'"((?:list|get|describe)_[a-z_]+)"')
    table = {key.split(":")[1] for key in guide.AWS_CALLS}
    assert called and called <= table, called - table
    assert {a for acts in guide.AWS_CALLS.values() for a in acts} == actions
    # ...and every entry of the table is a real operation of that service.
    session = botocore.session.get_session()
    for key in guide.AWS_CALLS:
        service, operation = key.split(":")
        names = {xform_name(n) for n in session.get_service_model(service).operation_names}
        assert operation in names, key
    trust = json.loads(code_block(page, "aws-trust"))
    external_id = browser.session[EXTERNAL_IDS][str(group["Acme"].pk)]
    assert len(external_id) > 30
    assert trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] == external_id
    assert trust["Statement"][0]["Principal"]["AWS"] == guide.AWS_PRINCIPAL_PLACEHOLDER
    assert "CSPM_AWS_PRINCIPAL" in page
    # The same onboarding keeps its external id; another organization gets its own.
    again = json.loads(code_block(browser.get(wizard_url(group["Acme"], "aws")).content.decode(), "aws-trust"))
    assert again == trust
    other = json.loads(code_block(browser.get(wizard_url(group["Globex"], "aws")).content.decode(), "aws-trust"))
    assert other["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] != external_id


def test_the_configured_principal_is_trusted(browser, group, settings):
    settings.CSPM_AWS_PRINCIPAL = "arn:aws:iam::999988887777:role/cspm-product"
    page = browser.get(wizard_url(group["Acme"], "aws")).content.decode()
    assert json.loads(code_block(page, "aws-trust"))["Statement"][0]["Principal"]["AWS"] == \
        "arn:aws:iam::999988887777:role/cspm-product"


def test_gcp_instructions_give_a_custom_role_with_every_permission_the_collectors_need(browser, group):
    page = browser.get(wizard_url(group["Acme"], "gcp")).content.decode()
    role = code_block(page, "gcp-role")
    listed = set(re.findall(r"^- (\S+)$", role, re.M))
    called = _operations("gcp", r'"((?:container|resourcemanager|iam|storage):[A-Za-z.]+)"')
    assert called and called <= set(guide.GCP_CALLS), called - set(guide.GCP_CALLS)
    assert listed == {p for perms in guide.GCP_CALLS.values() for p in perms}
    assert {"container.clusters.list", "resourcemanager.projects.list", "iam.serviceAccountKeys.list"} <= listed
    commands = code_block(page, "gcp-commands")
    assert "gcloud iam roles create cspmReader" in commands and "keys create key.json" in commands
    assert 'type="file"' in page and 'name="key_file"' in page


def test_azure_instructions_name_reader_and_the_exact_read_actions(browser, group):
    page = browser.get(wizard_url(group["Acme"], "azure")).content.decode()
    role = json.loads(code_block(page, "azure-role"))
    called = _operations("azure", r'"((?:managedClusters|storageAccounts|roleAssignments|roleDefinitions) list)"')
    assert called and called <= set(guide.AZURE_CALLS)
    assert set(role["Actions"]) == {a for acts in guide.AZURE_CALLS.values() for a in acts}
    assert all(a.endswith("/read") for a in role["Actions"])
    assert "Reader" in page and "az ad sp create-for-rbac" in code_block(page, "azure-commands")
    assert 'name="client_secret"' in page and 'type="password"' in page


# --- test connection and save ----------------------------------------------------------------


def test_test_connection_reaches_the_account_and_saves_nothing(browser, group, moto):
    events = AuditEvent.objects.count()
    response = browser.post(wizard_url(group["Acme"], "aws"), aws_form(moto.url))
    text = response.content.decode()
    assert response.status_code == 200, text[:2000]
    assert "Connection works" in text and ACCOUNT in text
    assert ACCESS["secret_access_key"] not in text and ACCESS["access_key_id"] not in text
    assert not CloudAccount.objects.filter(native_id=ACCOUNT).exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"native_id": "111122223333"}, "reach AWS account 123456789012, not 111122223333"),
    ({"access_key_id": "not-a-key"}, "field &#x27;access_key_id&#x27; is invalid"),
    ({"secret_access_key": "short"}, "field &#x27;secret_access_key&#x27; is invalid"),
    ({"endpoint": "http://127.0.0.1:9"}, "connection test failed (transient)"),
])
@pytest.mark.parametrize("action", ["test", "save"])
def test_a_failed_test_is_a_clear_error_and_nothing_is_saved(browser, group, moto, overrides, expected, action):
    events = AuditEvent.objects.count()
    response = browser.post(wizard_url(group["Acme"], "aws"), aws_form(moto.url, action=action, **overrides))
    text = response.content.decode()
    assert response.status_code == 400
    assert expected in text, text[:3000]
    assert ACCESS["secret_access_key"] not in text and "not-a-key" not in text  # never echoed back
    assert CloudAccount.objects.count() == 3 and AuditEvent.objects.count() == events


def test_save_onboards_with_encrypted_credentials_and_never_shows_them(browser, group, moto):
    response = browser.post(wizard_url(group["Acme"], "aws"), aws_form(moto.url, action="save"))
    account = CloudAccount.objects.get(native_id=ACCOUNT)
    assert response.status_code == 302 and response["Location"] == reverse("web:account", args=[account.pk])
    assert account.organization == group["Acme"] and account.name == "acme-aws" and account.regions == ["us-east-1"]
    assert account.endpoint_url == moto.url
    assert ACCESS["secret_access_key"] not in account.credentials_encrypted
    assert decrypt_credentials(account.credentials_encrypted)["secret_access_key"] == ACCESS["secret_access_key"]
    assert account.credentials_summary["kind"] == "aws_keys"
    assert AuditEvent.objects.filter(action="account.onboard", actor="ada").exists()
    page = browser.get(response["Location"]).content.decode()
    assert "Onboarded acme-aws" in page and "Poll now" in page
    assert ACCESS["secret_access_key"] not in page and ACCESS["access_key_id"] not in page


def test_a_role_is_saved_with_the_external_id_of_this_onboarding(browser, group, moto, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS["access_key_id"])  # the product's own base credentials
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ACCESS["secret_access_key"])
    org = group["Globex"]
    browser.get(wizard_url(org, "aws"))
    external_id = browser.session[EXTERNAL_IDS][str(org.pk)]
    form = aws_form(moto.url, native_id="210987654321", name="globex-aws", mode="role", role_name="cspm-reader",
                    access_key_id="", secret_access_key="", action="save")
    response = browser.post(wizard_url(org, "aws"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    account = CloudAccount.objects.get(native_id="210987654321")
    assert decrypt_credentials(account.credentials_encrypted) == {
        "kind": "aws_role", "role_arn": "arn:aws:iam::210987654321:role/cspm-reader", "external_id": external_id}
    assert external_id not in browser.get(response["Location"]).content.decode()
    # The next onboarding gets a new external id.
    browser.get(wizard_url(org, "aws"))
    assert browser.session[EXTERNAL_IDS][str(org.pk)] != external_id


def test_gcp_key_upload_is_tested_and_saved(browser, group, gcp, gcp_key):  # noqa: F811  (fixtures)
    from django.core.files.uploadedfile import SimpleUploadedFile

    def form(action):
        return {"cloud": "gcp", "native_id": PROJECT, "name": "acme-gcp", "environment": "dev", "poll_interval": "1h",
                "endpoint": gcp.url, "regions": "", "action": action,
                "key_file": SimpleUploadedFile("key.json", json.dumps(gcp_key).encode(), "application/json")}

    tested = browser.post(wizard_url(group["Acme"], "gcp"), form("test"))
    text = tested.content.decode()
    assert tested.status_code == 200 and "Connection works" in text and gcp_key["client_email"] in text
    assert "PRIVATE KEY" not in text and not CloudAccount.objects.filter(native_id=PROJECT).exists()
    saved = browser.post(wizard_url(group["Acme"], "gcp"), form("save"))
    assert saved.status_code == 302
    account = CloudAccount.objects.get(native_id=PROJECT)
    assert account.credentials_summary["kind"] == "gcp_service_account" and account.environment == "dev"
    # A project the key cannot read: refused with the reason.
    wrong = browser.post(wizard_url(group["Acme"], "gcp"), {**form("save"), "native_id": "someone-else-789",
                                                             "name": "other"})
    assert wrong.status_code == 400 and "cannot read GCP project someone-else-789" in wrong.content.decode()


def test_azure_service_principal_over_a_private_endpoint(browser, group, fake_arm, fake_ca_file):  # noqa: F811
    form = {"cloud": "azure", "native_id": SUBSCRIPTION, "name": "acme-azure", "environment": "prod",
            "poll_interval": "15m", "endpoint": fake_arm.url, "ca_bundle": Path(fake_ca_file).read_text(),
            **SERVICE_PRINCIPAL}
    tested = browser.post(wizard_url(group["Acme"], "azure"), {**form, "action": "test"})
    assert tested.status_code == 200 and "Connection works" in tested.content.decode()
    assert SECRET not in tested.content.decode()
    bad = browser.post(wizard_url(group["Acme"], "azure"), {**form, "client_secret": "wrong-secret",
                                                             "action": "save"})
    assert bad.status_code == 400 and "connection test failed" in bad.content.decode()
    assert "wrong-secret" not in bad.content.decode()
    saved = browser.post(wizard_url(group["Acme"], "azure"), {**form, "action": "save"})
    assert saved.status_code == 302
    account = CloudAccount.objects.get(native_id=SUBSCRIPTION)
    assert account.ca_bundle and account.credentials_summary["kind"] == "azure_service_principal"
    assert SECRET not in browser.get(saved["Location"]).content.decode()


# --- discovery and bulk onboarding -----------------------------------------------------------


@pytest.fixture
def aws_organization(moto, group):
    """An AWS Organization in moto, its management account onboarded into Acme."""
    org = moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    ids = [org.create_account(AccountName=name, Email=f"{i}@globex.example")["CreateAccountStatus"]["AccountId"]
           for i, name in enumerate(("globex-prod", HOSTILE, "globex-dev"))]
    source = account_onboard(provider="aws", native_id=ACCOUNT, name="acme-mgmt", organization="Acme",
                             credentials=json.dumps(ACCESS).encode(), endpoint=moto.url, regions=["us-east-1"])
    return source, ids


def test_discovery_lists_the_members_and_bulk_onboards_some_into_an_acquisition(
        browser, group, aws_organization, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ACCESS["secret_access_key"])
    source, ids = aws_organization
    assert browser.get(reverse("web:account_discover", args=[source.pk])).status_code == 200
    listed = browser.post(reverse("web:account_discover_run", args=[source.pk]))
    text = listed.content.decode()
    assert listed.status_code == 200
    assert all(i in text for i in ids) and "globex-prod" in text
    assert ESCAPED in text and HOSTILE not in text
    assert "already onboarded as acme-mgmt" in text  # the management account itself
    assert f'value="{ACCOUNT}"' not in text  # and it cannot be selected
    events = AuditEvent.objects.filter(action="account.onboard").count()
    response = browser.post(reverse("web:account_discover_onboard", args=[source.pk]), {
        "account_ids": ids[:2], "scope": "selected", "organization": group["Globex"].pk, "environment": "staging",
        "role_name": "cspm-reader", "external_id": "globex-2026"})
    text = response.content.decode()
    assert response.status_code == 200, text[:3000]
    assert "Onboarded 2, skipped 0, failed 0" in text and ESCAPED in text and HOSTILE not in text
    added = CloudAccount.objects.filter(native_id__in=ids)
    assert {a.native_id for a in added} == set(ids[:2])
    assert all(a.organization == group["Globex"] and a.environment == "staging" for a in added)
    first = added.get(native_id=ids[0])
    assert decrypt_credentials(first.credentials_encrypted) == {
        "kind": "aws_role", "role_arn": f"arn:aws:iam::{ids[0]}:role/cspm-reader", "external_id": "globex-2026"}
    assert "globex-2026" not in text
    assert AuditEvent.objects.filter(action="account.onboard").count() == events + 2
    # All the rest: the already onboarded ones are skipped with the reason.
    rest = browser.post(reverse("web:account_discover_onboard", args=[source.pk]), {
        "scope": "all", "organization": group["Globex"].pk, "environment": "prod", "role_name": "cspm-reader"})
    text = rest.content.decode()
    assert "Onboarded 1, skipped 3, failed 0" in text and "already onboarded as" in text
    assert CloudAccount.objects.filter(native_id=ids[2], organization=group["Globex"]).exists()


def test_a_failing_member_is_reported_and_the_others_go_on(browser, group, aws_organization, monkeypatch):
    # Without base credentials for the product no role can be assumed: every member fails, clearly.
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    source, ids = aws_organization
    response = browser.post(reverse("web:account_discover_onboard", args=[source.pk]), {
        "account_ids": ids[:2], "organization": group["Globex"].pk, "environment": "prod",
        "role_name": "cspm-reader"})
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Onboarded 0, skipped 0, failed 2" in text and "connection test failed (auth)" in text
    assert not CloudAccount.objects.filter(native_id__in=ids).exists()
    # An id discovery did not return is refused, never onboarded on the browser's word.
    made_up = browser.post(reverse("web:account_discover_onboard", args=[source.pk]), {
        "account_ids": ["999999999999"], "organization": group["Globex"].pk, "environment": "prod",
        "role_name": "cspm-reader"})
    assert made_up.status_code == 400 and not CloudAccount.objects.filter(native_id="999999999999").exists()


@pytest.fixture
def denying_aws():
    """An AWS endpoint that refuses everything as AWS does (a JSON-protocol AccessDeniedException)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Deny(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps({"__type": "AccessDeniedException",
                               "message": "You don't have permissions to access this resource."}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Deny)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_discovery_failing_is_a_clear_error_not_a_500(browser, group, denying_aws):
    source = account_onboard(provider="aws", native_id=ACCOUNT, name="acme-lone", organization="Acme",
                             credentials=json.dumps(ACCESS).encode(), endpoint=denying_aws, regions=["us-east-1"])
    response = browser.post(reverse("web:account_discover_run", args=[source.pk]))
    text = html.unescape(response.content.decode())
    assert response.status_code == 200 and "discovery failed (auth)" in text and "AccessDenied" in text
    onboard = browser.post(reverse("web:account_discover_onboard", args=[source.pk]),
                           {"scope": "all", "organization": group["Acme"].pk, "environment": "prod",
                            "role_name": "cspm-reader"})
    assert onboard.status_code == 200 and "discovery failed (auth)" in onboard.content.decode()


def test_bulk_onboarding_only_into_an_organization_the_user_manages(browser, group, aws_organization):
    source, ids = aws_organization
    response = browser.post(reverse("web:account_discover_onboard", args=[source.pk]), {
        "account_ids": ids[:1], "organization": group["Hooli"].pk, "environment": "prod",
        "role_name": "cspm-reader"})
    assert response.status_code == 400
    assert not CloudAccount.objects.filter(native_id=ids[0]).exists()


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_below_admin_is_refused(group, role):
    client = Client()
    client.force_login(member("low", Acme=role))
    account = CloudAccount.objects.get(name="acme-prod")
    assert client.get(reverse("web:onboard")).status_code == 403
    assert client.get(wizard_url(group["Acme"], "aws")).status_code == 403
    assert client.post(wizard_url(group["Acme"], "aws"), {"action": "save"}).status_code == 403
    assert client.get(reverse("web:account_discover", args=[account.pk])).status_code == 403
    assert client.post(reverse("web:account_discover_run", args=[account.pk])).status_code == 403
    assert client.post(reverse("web:account_discover_onboard", args=[account.pk])).status_code == 403


def test_another_organization_is_not_found(browser, group):
    hooli = CloudAccount.objects.get(name="hooli-prod")
    assert browser.get(wizard_url(group["Hooli"], "aws")).status_code == 404
    assert browser.post(wizard_url(group["Hooli"], "aws"), {"action": "save"}).status_code == 404
    assert browser.get(reverse("web:account_discover", args=[hooli.pk])).status_code == 404
    assert browser.post(reverse("web:account_discover_run", args=[hooli.pk])).status_code == 404
    assert browser.post(reverse("web:account_discover_onboard", args=[hooli.pk])).status_code == 404


def test_writes_need_the_csrf_token(admin, group):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    account = CloudAccount.objects.get(name="acme-prod")
    assert client.post(wizard_url(group["Acme"], "aws"), {"action": "save"}).status_code == 403
    assert client.post(reverse("web:account_discover_onboard", args=[account.pk])).status_code == 403
