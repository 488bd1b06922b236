"""The dashboard's pre-computed figures: live findings per account, source, status and severity
(FindingCount), so that no page counts 100,000 findings per request. An account's rows are
recounted (one grouped query over its live findings, by index) in the transaction that changed
its findings; the periodic task recounts every account's, which also mends any count a
concurrent writer left behind."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Count, F, Value, When
from django.utils import timezone

from cspm.drift.models import DriftFinding, FindingCount


def summary_refresh(*, account_ids: Iterable[int]) -> int:
    """Recount the live findings of these accounts; returns the rows written."""
    ids = list(account_ids)
    if not ids:
        return 0
    now = timezone.now()
    counted = (DriftFinding.objects.filter(account_id__in=ids, status__in=DriftFinding.LIVE_STATUSES)
               .annotate(source=Case(When(control_id="", then=Value("drift")), default=Value("control"),
                                     output_field=CharField()))
               .values_list("account_id", "source", "status", "severity").annotate(n=Count("id")).order_by())
    rows = [FindingCount(account_id=a, source=s, status=st, severity=sev, n=n, refreshed_at=now)
            for a, s, st, sev, n in counted]
    # Counts that dropped to nothing stay as zero rows (no delete: concurrent refreshes only upsert).
    FindingCount.objects.filter(account_id__in=ids).exclude(n=0).update(n=0, refreshed_at=now)
    FindingCount.objects.bulk_create(rows, batch_size=2000, update_conflicts=True,
                                     unique_fields=["account", "source", "status", "severity"],
                                     update_fields=["n", "refreshed_at"])
    return len(rows)



def summary_shift(finding: DriftFinding, old_status: str) -> None:
    """One finding changed status (triage): move it from one count to the other, O(1), where a
    recount would scan every live finding of the account once per finding of a bulk triage."""
    if old_status == finding.status:
        return
    source = "control" if finding.control_id else "drift"
    key = {"account_id": finding.account_id, "source": source, "severity": finding.severity}
    now = timezone.now()
    live = DriftFinding.LIVE_STATUSES
    if old_status in live:
        FindingCount.objects.filter(status=old_status, **key).update(n=F("n") - 1, refreshed_at=now)
    if finding.status in live:
        counts = FindingCount.objects.filter(status=finding.status, **key)
        if not counts.update(n=F("n") + 1, refreshed_at=now):
            try:
                with transaction.atomic():
                    FindingCount.objects.create(status=finding.status, n=1, refreshed_at=now, **key)
            except IntegrityError:  # created meanwhile by a concurrent writer
                counts.update(n=F("n") + 1, refreshed_at=now)
