"""The collectors' view of an account (collectors.base.CollectContext), built from a stored
account or from onboarding input that is not saved yet."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

from collectors.base import CollectContext
from cspm.accounts.crypto import decrypt_credentials
from cspm.accounts.models import CloudAccount


@contextmanager
def collect_context(
    *, provider: str, native_id: str, credentials: dict, regions: list[str], endpoint: str, ca_bundle: str,
    pace: Callable[[int], None] | None = None,
) -> Iterator[CollectContext]:
    """A CA bundle lives in a private temporary file for the length of the block: SDKs want a path."""
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=True) as ca_file:
        ca_path = None
        if ca_bundle:
            ca_file.write(ca_bundle)
            ca_file.flush()
            ca_path = ca_file.name
        yield CollectContext(
            provider=provider,
            account_id=native_id,
            credentials=credentials,
            regions=tuple(regions or ()),
            endpoint=endpoint or None,
            ca_bundle=ca_path,
            timeout=settings.CSPM_CLOUD_TIMEOUT,
            pace=pace,
        )


def account_context(account: CloudAccount, pace: Callable[[int], None] | None = None):
    """Credentials are decrypted only here, for the length of a poll."""
    credentials = decrypt_credentials(account.credentials_encrypted) if account.credentials_encrypted else {}
    return collect_context(provider=account.provider, native_id=account.native_id, credentials=credentials,
                           regions=account.regions, endpoint=account.endpoint_url, ca_bundle=account.ca_bundle,
                           pace=pace)
