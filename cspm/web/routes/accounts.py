"""Routes of the accounts pages (included into the web namespace by cspm/web/urls.py)."""

from django.urls import path

from cspm.web.views import accounts, onboarding

urlpatterns: list = [
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/<int:account_id>/", accounts.account_detail, name="account"),
    path("accounts/<int:account_id>/poll/", accounts.account_poll, name="account_poll"),
    path("accounts/<int:account_id>/poll/status/", accounts.account_poll_status, name="account_poll_status"),
    # The onboarding wizard and discovery (admins).
    path("accounts/onboard/", onboarding.onboard_start, name="onboard"),
    path("orgs/<int:org_id>/onboard/", onboarding.onboard_account, name="onboard_account"),
    path("accounts/<int:account_id>/discover/", onboarding.account_discover, name="account_discover"),
    path("accounts/<int:account_id>/discover/run/", onboarding.account_discover_run, name="account_discover_run"),
    path("accounts/<int:account_id>/discover/onboard/", onboarding.account_discover_onboard,
         name="account_discover_onboard"),
]
