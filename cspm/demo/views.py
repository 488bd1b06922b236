"""The demo's inbox: the alerts its local receivers caught (email and Slack), newest first.
Routed only in demo mode; for signed-in users who can see every organization of the group (the
messages speak of all of them)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from cspm.accounts import access
from cspm.accounts.models import Organization
from cspm.demo.models import DemoMessage

SHOWN = 100


@login_required
def inbox(request):
    if set(Organization.objects.values_list("pk", flat=True)) - set(access.organizations_for(request.user, "view")):
        raise PermissionDenied("the demo inbox shows alerts of every organization of the group")
    kind = request.GET.get("kind", "")
    messages = DemoMessage.objects.all()
    if kind in DemoMessage.Kind.values:
        messages = messages.filter(kind=kind)
    else:
        kind = ""
    counts = {k: DemoMessage.objects.filter(kind=k).count() for k in DemoMessage.Kind.values}
    return render(request, "demo/inbox.html", {"rows": messages[:SHOWN], "kind": kind, "counts": counts,
                                               "shown": SHOWN})
