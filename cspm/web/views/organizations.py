"""/organizations/: each parent company beside its acquisitions, with their numbers."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cspm.accounts import access
from cspm.accounts.models import CloudAccount, Organization
from cspm.web import dashboard
from cspm.web.exporting import export_links, export_response

COLUMNS = ["organization", "kind", "parent", "acquired_on", "integration_stage", "accounts_aws", "accounts_gcp",
           "accounts_azure", "open_drift", "score", "passed", "failed"]


def _as_row(card: dict) -> dict:
    org = card["org"]
    return {"organization": org.name, "kind": org.kind, "parent": org.parent.name if org.parent else "",
            "acquired_on": org.acquired_on.isoformat() if org.acquired_on else "",
            "integration_stage": org.integration_stage or "",
            **{f"accounts_{p}": n for p, n in card["clouds"].items()},
            "open_drift": card["drift"], "score": card["score"], "passed": card["passed"], "failed": card["failed"]}


@login_required
def organization_list(request):
    user = request.user
    org_ids = access.organizations_for(user, "view")
    manageable = set(access.organizations_for(user, "manage"))
    orgs = list(Organization.objects.filter(pk__in=org_ids).select_related("parent").order_by("name"))
    numbers = dashboard.organization_numbers(org_ids)
    visible = {o.pk for o in orgs}
    clouds = CloudAccount.Provider.choices
    cards = {o.pk: {"org": o, "manage": o.pk in manageable, **numbers[o.pk],
                    "cloud_counts": [(label, numbers[o.pk]["clouds"][value]) for value, label in clouds]}
             for o in orgs}
    # A group: a top organization (no visible parent) and the organizations under it.
    groups = []
    for org in orgs:
        if org.parent_id in visible:
            continue
        members, frontier = [cards[org.pk]], [org.pk]
        while frontier:
            below = [o for o in orgs if o.parent_id in frontier]
            members += [cards[o.pk] for o in below]
            frontier = [o.pk for o in below]
        groups.append({"head": org, "members": members})
    if "format" in request.GET:
        rows = (_as_row(card) for group in groups for card in group["members"])
        return export_response(request.GET["format"], rows, COLUMNS, "organizations")
    return render(request, "web/organizations/list.html", {"groups": groups, "clouds": clouds,
                                                           "exports": export_links()})
