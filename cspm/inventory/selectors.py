"""Reads of the configuration history."""

from __future__ import annotations

from collections.abc import Iterable

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
