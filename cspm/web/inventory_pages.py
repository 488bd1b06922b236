"""Page-level queries of the inventory pages (resources and accounts): every read goes through the
permission layer (out of reach: 404; in reach with too weak a role for the action: 403), and the
accounts list computes its counts in the one query that lists the accounts (constant in rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cspm.accounts import access
from cspm.accounts.models import CloudAccount
from cspm.drift.models import DriftFinding, FindingCount
from cspm.inventory.models import PollRun, Resource, ResourceVersion, Snapshot
from cspm.inventory.selectors import stale_filter, version_configs

RUNNING = (PollRun.State.COLLECTING, PollRun.State.FINALIZING)
# Account statuses, in the order they win (a disabled account is "disabled" whatever else holds).
STATUSES = [("disabled", "Disabled"), ("never_polled", "Never polled"), ("failing", "Failing"),
            ("stale", "Stale"), ("partial", "Partial"), ("ok", "OK")]
STATUS_LABELS = dict(STATUSES)
ACCOUNT_COLUMNS = ["id", "name", "provider", "native_id", "organization", "environment", "enabled", "status",
                   "last_run_state", "last_polled_at", "open_drift", "open_control", "resources"]


# --- reaching objects ---------------------------------------------------------------------------

def account_for(user, account_id: int, action: str = "view") -> CloudAccount:
    """The account if the user may see it (else 404) and do `action` on it (else 403)."""
    account = (access.scoped(user, CloudAccount.objects.select_related("organization", "last_snapshot"),
                             "organization_id").filter(pk=account_id).first())
    if account is None:
        raise Http404("no such account")
    if action != "view" and not access.can(user, action, account.organization_id):
        raise PermissionDenied(f"your role does not allow {action} here")
    return account


def resource_for(user, resource_id: int) -> Resource:
    qs = Resource.objects.select_related("account__organization", "current_version__snapshot")
    resource = access.scoped(user, qs, "account__organization_id").filter(pk=resource_id).first()
    if resource is None:
        raise Http404("no such resource")
    return resource


def finding_url(finding_id: int) -> str | None:
    """The finding page's URL, or None while that page is not routed."""
    try:
        return reverse("web:finding", args=[finding_id])
    except NoReverseMatch:
        return None


# --- the resource page --------------------------------------------------------------------------

def version_page(resource: Resource, before: int | None, size: int) -> tuple[list[ResourceVersion], bool]:
    """Versions newest first, `size` at a time below id `before` (no OFFSET over a long history)."""
    qs = (ResourceVersion.objects.filter(resource=resource).select_related("snapshot")
          .defer("config", "tags", "snapshot__collectors", "snapshot__timings", "snapshot__compliance")
          .order_by("-id"))
    if before:
        qs = qs.filter(pk__lt=before)
    rows = list(qs[:size + 1])
    return rows[:size], len(rows) > size


def version_choices(resource: Resource, limit: int, keep: tuple[int | None, ...] = ()) -> list[dict[str, Any]]:
    """The versions the diff form offers: the newest `limit`, plus any chosen older one."""
    qs = ResourceVersion.objects.filter(resource=resource).order_by("-id").values("id", "event", "observed_at")
    rows = list(qs[:limit])
    shown = {r["id"] for r in rows}
    missing = [k for k in keep if k and k not in shown]
    if missing:
        rows += list(qs.filter(pk__in=missing))
    return rows


def default_pair(resource: Resource) -> tuple[int | None, int | None]:
    """The previous version against the current one (None, current: a resource with one version)."""
    ids = list(ResourceVersion.objects.filter(resource=resource).order_by("-id").values_list("id", flat=True)[:2])
    if not ids:
        return None, None
    current = resource.current_version_id or ids[0]
    previous = (ResourceVersion.objects.filter(resource=resource, pk__lt=current).order_by("-id")
                .values_list("id", flat=True).first())
    return previous, current


def versions_of(resource: Resource, ids: list[int]) -> dict[int, ResourceVersion]:
    """Those of `ids` that are versions of this resource (another resource's id is not one)."""
    rows = ResourceVersion.objects.filter(resource=resource, pk__in=ids).defer("config", "tags")
    return {v.pk: v for v in rows}


def configs(ids: list[int]) -> dict[int, dict]:
    return version_configs(i for i in ids if i)


def last_known_version_id(resource: Resource) -> int | None:
    """The newest version with a configuration (a removed resource's tombstone has none)."""
    return (ResourceVersion.objects.filter(resource=resource).exclude(event=ResourceVersion.Event.REMOVED)
            .order_by("-id").values_list("id", flat=True).first())


def open_findings(resource: Resource) -> list[dict[str, Any]]:
    rows = (DriftFinding.objects.filter(resource=resource, status=DriftFinding.Status.OPEN)
            .only("id", "kind", "control_id", "severity", "status", "opened_at").order_by("-id"))
    return [{"f": f, "url": finding_url(f.pk)} for f in rows]


# --- the accounts list --------------------------------------------------------------------------

def _count(qs: QuerySet) -> Coalesce:
    """COUNT(*) of `qs` (already correlated with the account) as a subquery of the account row."""
    counted = qs.order_by().values("account_id").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _sum(qs: QuerySet) -> Coalesce:
    """SUM(n) of finding counts (already correlated with the account) as a subquery of the account row."""
    summed = qs.order_by().values("account_id").annotate(total=Sum("n")).values("total")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))


def accounts_listed(user, *, provider: str = "", organization: int | None = None, status: str = "",
                    now: dt.datetime | None = None) -> QuerySet[CloudAccount]:
    """The accounts the user can see, each with its status, last run state and counts, in one query."""
    now = now or timezone.now()
    # Open findings from the accounts' pre-computed counts (cspm/drift/summary.py), not by counting
    # findings; live resources by the account's partial index (an index-only count).
    open_counts = FindingCount.objects.filter(account=OuterRef("pk"), status=DriftFinding.Status.OPEN)
    qs = (access.accounts_for(user, "view").select_related("organization", "last_snapshot")
          .defer("credentials_encrypted", "ca_bundle", "last_snapshot__collectors", "last_snapshot__timings",
                 "last_snapshot__compliance"))
    qs = qs.annotate(
        status=Case(
            When(enabled=False, then=Value("disabled")),
            When(last_polled_at__isnull=True, then=Value("never_polled")),
            When(last_snapshot__status=Snapshot.Status.FAILED, then=Value("failing")),
            When(stale_filter(access.accounts_for(user, "view"), now), then=Value("stale")),
            When(last_snapshot__status=Snapshot.Status.PARTIAL, then=Value("partial")),
            default=Value("ok"),
        ),
        last_run_state=Subquery(PollRun.objects.filter(account=OuterRef("pk")).order_by("-id").values("state")[:1]),
        open_drift=_sum(open_counts.filter(source="drift")),
        open_control=_sum(open_counts.filter(source="control")),
        resource_count=_count(Resource.objects.filter(account=OuterRef("pk"), removed_at__isnull=True)),
    )
    if provider:
        qs = qs.filter(provider=provider)
    if organization:
        qs = qs.filter(organization_id=organization)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("organization__name", "name", "id")


def account_as_dict(a: CloudAccount) -> dict[str, Any]:
    return {"id": a.pk, "name": a.name, "provider": a.provider, "native_id": a.native_id,
            "organization": a.organization.name, "environment": a.environment, "enabled": a.enabled,
            "status": a.status, "last_run_state": a.last_run_state or "",
            "last_polled_at": a.last_polled_at.isoformat() if a.last_polled_at else None,
            "open_drift": a.open_drift, "open_control": a.open_control, "resources": a.resource_count}


# --- the account page ---------------------------------------------------------------------------

def recent_snapshots(account: CloudAccount, limit: int = 20) -> list[dict[str, Any]]:
    rows = (Snapshot.objects.filter(account=account).order_by("-id")
            .only("id", "status", "started_at", "finished_at", "added", "changed", "removed", "unchanged")[:limit])
    return [{"s": s, "seconds": round((s.finished_at - s.started_at).total_seconds(), 1)} for s in rows]


def recent_runs(account: CloudAccount, limit: int = 10) -> list[PollRun]:
    return list(PollRun.objects.filter(account=account).order_by("-id")
                .only("id", "state", "started_at", "finished_at", "snapshot_id", "error")[:limit])


def running_run(account: CloudAccount) -> PollRun | None:
    return PollRun.objects.filter(account=account, state__in=RUNNING).order_by("-id").first()


def poll_status(account: CloudAccount) -> dict[str, Any]:
    run = PollRun.objects.filter(account=account).order_by("-id").first()
    return {
        "account": account.pk,
        "running": bool(run and run.state in RUNNING),
        "run": None if run is None else {
            "id": run.pk, "state": run.state, "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        },
        "last_polled_at": account.last_polled_at.isoformat() if account.last_polled_at else None,
    }
