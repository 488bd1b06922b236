"""Whether demo mode is on: CSPM_DEMO (environment, or a Django setting of that name in tests).
Off, nothing of the demo is routed."""

from __future__ import annotations

import environ
from django.conf import settings


def demo_enabled() -> bool:
    value = getattr(settings, "CSPM_DEMO", None)
    if value is not None:
        return bool(value)
    return environ.FileAwareEnv().bool("CSPM_DEMO", default=False)
