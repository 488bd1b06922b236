from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cspm.accounts"
    verbose_name = "Organizations and cloud accounts"
