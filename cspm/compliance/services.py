"""Compliance actions: re-judging an account (after the catalog or its golden rules changed)."""

from __future__ import annotations

from django.db import transaction

from cspm.accounts.models import CloudAccount
from cspm.compliance.evaluate import ComplianceCounts, evaluate_compliance
from cspm.drift.summary import summary_refresh
from cspm.inventory.models import Resource


def reevaluate(account: CloudAccount) -> ComplianceCounts:
    """Judge every live resource of the account again (cached verdicts are reused), and drop
    the results of resources that are gone."""
    with transaction.atomic():
        ids = list(Resource.objects.filter(account=account).values_list("id", flat=True))
        counts = evaluate_compliance(account, ids, snapshot=account.last_snapshot)
        if counts.opened or counts.resolved:
            summary_refresh(account_ids=[account.pk])
        return counts
