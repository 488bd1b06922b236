"""Approving an account's latest snapshot as its baseline (analysts), from the account page: the
first approval turns an onboarded account into a monitored one; later ones move the whole
known-good state at once (one resource at a time is "accept" on a finding's page)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cspm.core.errors import DomainError
from cspm.drift.baselines import baseline_approve_snapshot
from cspm.web import inventory_pages as pages


class ApproveForm(forms.Form):
    reason = forms.CharField(max_length=2000, label="Why this state is known-good")
    snapshot = forms.IntegerField(required=False, widget=forms.HiddenInput)


@require_POST
@login_required
def baseline_approve(request, account_id: int):
    account = pages.account_for(request.user, account_id, "triage")
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for approving the baseline.")
        return redirect("web:account", account.pk)
    # The snapshot the user looked at: a poll that finished meanwhile is not approved unseen.
    seen = form.cleaned_data["snapshot"]
    if seen and seen != account.last_snapshot_id:
        messages.warning(request, "A newer snapshot arrived since the page was shown: review it, then approve again.")
        return redirect("web:account", account.pk)
    try:
        approval, counts = baseline_approve_snapshot(account=account, actor=request.user.get_username(),
                                                     reason=form.cleaned_data["reason"].strip(), user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("web:account", account.pk)
    messages.success(request, f"Snapshot #{approval.snapshot_id} is now the baseline "
                              f"({approval.entries_changed} entries changed, {counts.resolved} findings settled).")
    return redirect("web:account", account.pk)
