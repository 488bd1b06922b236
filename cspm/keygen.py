"""Make the stack's secrets once, so `docker compose up` needs no preparation:

    python -m cspm.keygen DIR

writes DIR/secret_key (Django's SECRET_KEY) and DIR/credentials_keys (the Fernet key that
encrypts cloud credentials and alert secrets), readable by their owner only, unless they exist:
a restart never replaces a key, or every stored credential would become unreadable. The app
reads them through SECRET_KEY_FILE and CSPM_CREDENTIALS_KEYS_FILE. Plain Python: no Django.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def ensure(directory: Path) -> list[str]:
    """Create the missing key files; returns the names created."""
    directory.mkdir(parents=True, exist_ok=True)
    made = []
    for name, make in (("secret_key", lambda: secrets.token_urlsafe(50)),
                       ("credentials_keys", lambda: Fernet.generate_key().decode())):
        path = directory / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never over an existing key
        except FileExistsError:
            continue
        with os.fdopen(fd, "w") as f:
            f.write(make())
        made.append(name)
    return made


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m cspm.keygen DIR")
    made = ensure(Path(sys.argv[1]))
    print(f"generated {', '.join(made)} in {sys.argv[1]}" if made else f"keys already in {sys.argv[1]}: kept")
