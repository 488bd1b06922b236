from cspm.accounts.services import credentials_rotate_key
from cspm.core.cli import JsonCommand


class Command(JsonCommand):
    help = ("Re-encrypt every stored credential under the first key of CSPM_CREDENTIALS_KEYS. "
            "Put the new key first, keep the old ones after it, run this, then drop the old keys.")

    def handle(self, *args, **options):
        count = credentials_rotate_key()
        self.emit(options, {"reencrypted": count}, f"re-encrypted {count} credential(s) under the newest key")
