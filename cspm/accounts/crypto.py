"""Encryption at rest of cloud credentials: Fernet, with MultiFernet for key rotation.

The first key of CSPM_CREDENTIALS_KEYS encrypts; all of them decrypt. In the embedded default
(no keys configured) a key is generated once into var/credentials.key, readable by its owner only.
"""

from __future__ import annotations

import os
from functools import lru_cache

import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from cspm.core.errors import DomainError


class CredentialsUnreadable(DomainError):
    """The stored token cannot be decrypted with any configured key."""


def _embedded_key() -> bytes:
    path = settings.CSPM_CREDENTIALS_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as f:
            f.write(Fernet.generate_key())
    return path.read_bytes().strip()


@lru_cache(maxsize=1)
def _cipher() -> MultiFernet:
    keys = [k.encode() for k in settings.CSPM_CREDENTIALS_KEYS if k] or [_embedded_key()]
    return MultiFernet([Fernet(k) for k in keys])


def reset_cipher() -> None:
    """Forget the cached keys (after settings change, in tests and key rotation)."""
    _cipher.cache_clear()


def encrypt_credentials(credentials: dict) -> str:
    return _cipher().encrypt(orjson.dumps(credentials)).decode()


def decrypt_credentials(token: str) -> dict:
    try:
        return orjson.loads(_cipher().decrypt(token.encode()))
    except InvalidToken:
        raise CredentialsUnreadable(
            "stored credentials cannot be decrypted with the configured CSPM_CREDENTIALS_KEYS"
        ) from None


def rotate_token(token: str) -> str:
    """Re-encrypt under the first (newest) key; raises CredentialsUnreadable if no key fits."""
    try:
        return _cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise CredentialsUnreadable("a stored credential fits none of the configured keys") from None
