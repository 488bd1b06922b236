"""A security engineer's day in a real browser, end to end against the simulated AWS (moto's server,
driven by the real boto3 the collectors use): sign in with a password and a TOTP code, onboard an
account through the wizard (test the connection, then save), poll it, approve its first snapshot
as the baseline, see drift appear on the dashboard when the cloud changes, open the finding's
diff, accept the change into the baseline and watch the finding leave the open list."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cspm.accounts.models import CloudAccount, Membership, Organization
from cspm.drift.models import DriftFinding
from tests.browser.conftest import shoot
from tests.browser.test_sign_in import sign_in
from tests.support.aws import ACCESS, ACCOUNT

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
PAB_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def fill_aws_credentials(page, endpoint: str) -> None:
    """Credentials are never echoed back by the server: they are entered for every submission."""
    page.get_by_label("Access keys of a read-only IAM user").check()
    page.get_by_label("Access key id").fill(ACCESS["access_key_id"])
    page.get_by_label("Secret access key").fill(ACCESS["secret_access_key"])
    advanced = page.locator("details", has_text="Advanced")
    if not advanced.evaluate("d => d.open"):
        advanced.locator("summary").click()
    page.get_by_label("Regions").fill("us-east-1")
    page.get_by_label("Endpoint URL").fill(endpoint)


def poll_now(page) -> None:
    # In the embedded default the poll runs in-process once the claim commits: the page that
    # follows the redirect already has the snapshot.
    with page.expect_navigation():
        page.get_by_role("button", name="Poll now").click()


def test_onboard_poll_baseline_drift_diff_accept(page, moto):
    org = Organization.objects.create(name="Acme", slug="acme", require_2fa=True)
    user = User.objects.create_user("sec-lead", password=PASSWORD)
    Membership.objects.create(user=user, organization=org, role="admin")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="acme-payments-data")
    s3.put_public_access_block(Bucket="acme-payments-data", PublicAccessBlockConfiguration=PAB_ON)

    # Sign in: the password, then the code from the authenticator app.
    sign_in(page, "sec-lead", PASSWORD)
    page.wait_for_url("**/login/verify/**")
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/login" not in url)

    # The wizard: cloud and name, what to grant, then the credentials.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Onboard an account").click()
    page.get_by_label("AWS").check()
    page.get_by_label("Account name").fill("payments-prod")
    page.get_by_role("button", name="Next: what to grant").click()
    expect(page.locator("#aws-policy")).to_have_count(1)  # the least-privilege policy to paste
    shoot(page, "journey-wizard-aws")
    page.get_by_label("AWS account id").fill(ACCOUNT)
    fill_aws_credentials(page, moto.url)
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("Connection works")).to_be_visible()
    assert not CloudAccount.objects.exists()  # a test saves nothing
    assert ACCESS["secret_access_key"] not in page.content()
    fill_aws_credentials(page, moto.url)
    page.get_by_role("button", name="Test and save").click()
    page.wait_for_url("**/accounts/*/")
    account = CloudAccount.objects.get(native_id=ACCOUNT)
    assert account.name == "payments-prod" and account.organization == org

    # The first snapshot, approved as the known-good state.
    poll_now(page)
    account.refresh_from_db()
    assert account.last_snapshot_id is not None
    expect(page.locator("table").first.get_by_text(f"#{account.last_snapshot_id}")).to_be_visible()
    expect(page.get_by_text("No baseline yet")).to_be_visible()
    page.get_by_label(f"Approve snapshot #{account.last_snapshot_id} as the baseline").fill("reviewed at onboarding")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve as baseline").click()
    expect(page.get_by_text("is now the baseline")).to_be_visible()
    shoot(page, "journey-account-baselined")

    # Someone turns off the bucket's public access block; the next poll sees it.
    s3.delete_public_access_block(Bucket="acme-payments-data")
    poll_now(page)
    finding = DriftFinding.objects.get(account=account, control_id="", status="open")
    assert finding.severity == "critical" and finding.resource.name == "acme-payments-data"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_text("acme-payments-data").first).to_be_visible()  # recent changes
    expect(page.locator("main").get_by_text("Critical").first).to_be_visible()
    shoot(page, "journey-dashboard-drift")

    # The drift list, the finding, its diff, and the decision.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Drift").click()
    page.wait_for_url("**/findings/")
    row = page.locator("tbody tr", has=page.locator(f'a[href="/findings/{finding.pk}/"]'))
    assert "acme-payments-data" in row.inner_text() and "Critical" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_url(f"**/findings/{finding.pk}/")
    diff = page.locator("table.config-diff")
    assert diff.count() == 1 and diff.locator("tr.diff-delete, tr.diff-replace").count() >= 1
    assert "BlockPublicAcls" in diff.inner_text()
    shoot(page, "journey-finding-diff")
    accept = page.get_by_role("form", name="Accept into the baseline")
    accept.get_by_label("Reason").fill("intended: the bucket serves the public status page")
    with page.expect_navigation():
        accept.get_by_role("button", name="Accept").click()
    finding.refresh_from_db()
    assert finding.status == "accepted"
    expect(page.locator("main").get_by_text("Accepted").first).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Drift").click()
    page.wait_for_url("**/findings/")
    expect(page.locator("table").first).to_be_visible()
    assert page.locator(f'a[href="/findings/{finding.pk}/"]').count() == 0  # no longer open
    shoot(page, "journey-drift-resolved")
    assert page.console_errors == []
