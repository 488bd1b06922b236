"""Routes of the accounts pages (included into the web namespace by cspm/web/urls.py)."""

from django.urls import path

from cspm.web.views import accounts

urlpatterns: list = [
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/<int:account_id>/", accounts.account_detail, name="account"),
    path("accounts/<int:account_id>/poll/", accounts.account_poll, name="account_poll"),
    path("accounts/<int:account_id>/poll/status/", accounts.account_poll_status, name="account_poll_status"),
]
