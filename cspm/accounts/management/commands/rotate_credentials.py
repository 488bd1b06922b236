from django.db import transaction

from cspm.accounts.services import credentials_rotate_key
from cspm.alerts.channels import channel_secrets_rotate_key
from cspm.core.cli import JsonCommand


class Command(JsonCommand):
    help = ("Re-encrypt every stored secret (cloud credentials and alert channel secrets) under the first key of "
            "CSPM_CREDENTIALS_KEYS. Put the new key first, keep the old ones after it, run this, then drop the "
            "old keys.")

    def handle(self, *args, **options):
        with transaction.atomic():  # every secret moves to the new key, or none does
            accounts = credentials_rotate_key()
            channels = channel_secrets_rotate_key()
        total = accounts + channels
        self.emit(options, {"reencrypted": total, "accounts": accounts, "channels": channels},
                  f"re-encrypted {total} secret(s) under the newest key "
                  f"({accounts} account credential(s), {channels} alert channel(s))")
