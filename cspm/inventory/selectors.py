"""Reads of the configuration history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from cspm.inventory.models import ResourceVersion


def version_configs(version_ids: Iterable[int]) -> dict[int, dict]:
    """Configs of versions, following `same_as` to where a repeated config is stored."""
    ids = list(version_ids)
    rows = ResourceVersion.objects.filter(pk__in=ids).values_list("id", "config", "same_as_id")
    configs, indirect = {}, {}
    for vid, config, same_as in rows:
        if same_as is not None:
            indirect[vid] = same_as
        else:
            configs[vid] = config if config is not None else {}
    if indirect:
        for vid, config in ResourceVersion.objects.filter(pk__in=set(indirect.values())).values_list("id", "config"):
            configs[vid] = config
        for vid, target in indirect.items():
            configs[vid] = configs[target]
    return configs


STALE_FACTOR = 3  # an account not polled for this many of its intervals is stale


def stale_filter(accounts, now) -> Q:
    """Accounts last polled more than STALE_FACTOR of their own intervals before `now`. One Q per
    distinct interval (one small query to find them): SQLite, the embedded default, cannot
    multiply an interval by a column, so the cut-off is computed here."""
    intervals = accounts.order_by().values_list("poll_interval_seconds", flat=True).distinct()
    stale = Q(pk__in=[])
    for seconds in intervals:
        cutoff = now - dt.timedelta(seconds=STALE_FACTOR * seconds)
        stale |= Q(poll_interval_seconds=seconds, last_polled_at__lt=cutoff)
    return stale
