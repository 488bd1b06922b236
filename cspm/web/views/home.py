"""The dashboard ("/"): one view over every cloud and organization the user can see: open drift,
compliance scores and their trend, the riskiest accounts, recent changes and collection health."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cspm.accounts import access
from cspm.accounts.models import Organization
from cspm.web import charts, dashboard


@login_required
def home(request):
    user = request.user
    org_ids = access.organizations_for(user, "view")
    if not org_ids:
        return render(request, "web/home.html", {"organizations": []})
    manageable = set(access.organizations_for(user, "manage"))
    organizations = [{"org": org, "manage": org.pk in manageable}
                     for org in Organization.objects.filter(pk__in=org_ids).select_related("parent").order_by("name")]
    accounts = dashboard.visible_accounts(user)
    drift = dashboard.drift_by_severity(accounts)
    scores = dashboard.compliance_scores(accounts)
    trend = dashboard.score_trend(org_ids)
    context = {
        "organizations": organizations,
        "drift": drift,
        "drift_total": sum(row["count"] for row in drift),
        "drift_chart": charts.bar_chart([(row["severity"], row["count"]) for row in drift],
                                        label="Open drift findings by severity",
                                        css=[f"sev-{row['severity']}" for row in drift]),
        "scores": scores,
        "trend": trend,
        "trend_chart": charts.line_chart([(row["day"], row["score"]) for row in trend],
                                         label=f"Weighted compliance score, last {len(trend)} days"),
        "trend_known": any(row["score"] is not None for row in trend),
        "riskiest": dashboard.riskiest_accounts(accounts),
        "changes": dashboard.recent_changes(accounts),
        "health": dashboard.collection_health(accounts),
    }
    return render(request, "web/home.html", context)
