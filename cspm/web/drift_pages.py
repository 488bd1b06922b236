"""Page-level reads and forms of the drift pages: the findings list's filters, a finding in reach
(404 out of reach, 403 with too weak a role), what changed in one line, and triage input."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from cspm.accounts import access
from cspm.accounts.models import CloudAccount, Organization
from cspm.api.filters import organization_and_below
from cspm.compliance.controls import CONTROLS, load
from cspm.drift.models import SEVERITY_CHOICES, DriftFinding
from cspm.drift.selectors import STATUS_FILTERS, findings_list

PAGE = 50
SELECTED = ("account", "account__organization", "resource")
SOURCES = [("all", "Drift and controls"), ("drift", "Drift"), ("control", "Controls")]
STATUS_LABELS = {"open": "Open or acknowledged", "new": "Open only", "live": "Open, acknowledged or suppressed",
                 "all": "All", **{s: label for s, label in DriftFinding.Status.choices}}
# The export's columns: every key of cspm.drift.selectors.finding_as_dict.
COLUMNS = ["id", "severity", "status", "kind", "control", "organization", "provider", "account", "account_id",
           "environment", "resource_type", "resource_id", "resource_name", "region", "changes", "reasons",
           "rationale", "remediation", "opened_at", "updated_at", "resolved_at", "suppressed_until",
           "status_reason", "status_changed_by"]
# The filters, in the order the query string keeps them.
FILTERS = ("severity", "status", "source", "cloud", "organization", "account", "resource_type", "since")
TRIAGE_ACTIONS = [("acknowledge", "Acknowledge"), ("suppress", "Suppress until a date"),
                  ("accept", "Accept into the baseline")]
MAX_BULK = 500


class QuickSelect(forms.Select):
    """A <select> written in Python, as Django's templates would write it: they render each option
    through a template include (~0.1 ms each), too slow for a list of every account of a group."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html("<select name=\"{}\"{}>", widget["name"], _attrs(widget["attrs"]))]
        for group, options, _ in widget["optgroups"]:
            if group:
                parts.append(format_html('\n  <optgroup label="{}">', group))
            parts.extend(format_html('\n  <option value="{}"{}>{}</option>', str(o["value"]), _attrs(o["attrs"]),
                                     o["label"]) for o in options)
            if group:
                parts.append(mark_safe("\n  </optgroup>"))
        parts.append(mark_safe("\n</select>"))
        return format_html_join("", "{}", ((part,) for part in parts))  # every part escaped already


def _attrs(attrs: dict) -> str:
    return format_html_join("", "{}", ((format_html(" {}", k) if v is True else format_html(' {}="{}"', k, str(v)),)
                                       for k, v in attrs.items() if v is not False))


class FindingFilterForm(forms.Form):
    severity = forms.ChoiceField(required=False, choices=[("", "Any"), *SEVERITY_CHOICES])
    status = forms.ChoiceField(required=False, choices=[(s, STATUS_LABELS.get(s, s)) for s in STATUS_FILTERS])
    source = forms.ChoiceField(required=False, choices=SOURCES)
    cloud = forms.ChoiceField(required=False, choices=[("", "Any"), *CloudAccount.Provider.choices])
    organization = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                          help_text="With the organizations under it.")
    account = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=QuickSelect)
    resource_type = forms.CharField(required=False, max_length=100, label="Resource type",
                                    widget=forms.TextInput(attrs={"placeholder": "aws.s3.bucket"}))
    since = forms.DateField(required=False, label="Opened since", widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        org_ids = access.organizations_for(user)
        organizations = Organization.objects.filter(pk__in=org_ids).order_by("name").values_list("id", "name")
        accounts = CloudAccount.objects.filter(organization_id__in=org_ids).order_by("name").values_list("id", "name")
        self.fields["organization"].choices = [("", "Any"), *organizations]
        self.fields["account"].choices = [("", "Any"), *accounts]

    def query(self) -> dict[str, str]:
        """The filters as typed (a valid form), without the empty ones: for links that keep them."""
        return {k: self.data[k] for k in FILTERS if self.data.get(k)}


def findings_filtered(user, data: dict[str, Any]) -> QuerySet[DriftFinding]:
    """The findings the user can see that match the (cleaned) filters, newest first."""
    source = data.get("source") or "all"
    qs = findings_list(status=data.get("status") or "open", source=None if source == "all" else source)
    qs = access.scoped(user, qs)
    if data.get("severity"):
        qs = qs.filter(severity=data["severity"])
    if data.get("cloud"):
        qs = qs.filter(account__provider=data["cloud"])
    if data.get("organization"):
        qs = qs.filter(account__organization_id__in=organization_and_below(data["organization"]))
    if data.get("account"):
        qs = qs.filter(account_id=data["account"])
    if data.get("resource_type"):
        qs = qs.filter(resource__type=data["resource_type"])
    if data.get("since"):
        qs = qs.filter(opened_at__gte=dt.datetime.combine(data["since"], dt.time.min, tzinfo=dt.UTC))
    return qs.order_by("-id")


def finding_for(user, finding_id: int, action: str = "view") -> DriftFinding:
    finding = access.scoped(user, DriftFinding.objects.select_related(*SELECTED).filter(pk=finding_id)).first()
    if finding is None:
        raise Http404("no such finding")
    if action != "view" and not access.can(user, action, finding.account.organization_id):
        raise PermissionDenied(f"your role does not allow {action} here")
    return finding


def findings_to_triage(user, ids: list[int]) -> list[DriftFinding]:
    """Every one of them, or nothing: one out of reach is 404 for all, one the user may only
    view is 403 for all."""
    found = list(access.scoped(user, DriftFinding.objects.filter(pk__in=ids).select_related("account"))
                 .order_by("id"))
    if len(found) != len(set(ids)):
        raise Http404("no such finding")
    allowed = set(access.organizations_for(user, "triage"))
    if any(f.account.organization_id not in allowed for f in found):
        raise PermissionDenied("your role does not allow triage of every selected finding")
    return found


def control_title(control_id: str) -> str:
    load()
    control = CONTROLS.get(control_id)
    return control.title if control else ""


def what_changed(f: DriftFinding, shown: int = 3) -> str:
    if f.control_id:
        title = control_title(f.control_id)
        return f"{f.control_id}: {title}" if title else f.control_id
    paths = [str(c.get("path", "")) for c in f.changes if isinstance(c, dict)]
    if not paths:
        return f.get_kind_display()
    more = f" (+{len(paths) - shown} more)" if len(paths) > shown else ""
    return ", ".join(paths[:shown]) + more


def shown_value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def resource_url(resource_id: int) -> str | None:
    """The resource page, once that page exists."""
    try:
        return reverse("web:resource", args=[resource_id])
    except NoReverseMatch:
        return None


def safe_back(request, raw: str | None) -> str:
    """Where to return after a form: a local path only, else the findings list."""
    if (raw and raw.startswith("/") and not raw.startswith(("//", "/\\"))
            and url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return raw
    return reverse("web:findings")


class TriageForm(forms.Form):
    action = forms.ChoiceField(choices=TRIAGE_ACTIONS)
    reason = forms.CharField(required=False, max_length=2000,
                             help_text="Required to suppress, and to accept a failing control's risk.")
    until = forms.DateField(required=False, label="Suppress until",
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="The finding opens again on this day (UTC), within a year.")

    def clean(self):
        data = super().clean()
        if data.get("action") == "suppress":
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "A suppression needs a reason.")
            if not data.get("until"):
                self.add_error("until", "A suppression needs an expiry date.")
            elif data["until"] <= timezone.now().date():
                self.add_error("until", "The expiry date must be in the future.")
        return data

    def until_at(self) -> dt.datetime | None:
        until = self.cleaned_data.get("until")
        return dt.datetime.combine(until, dt.time.min, tzinfo=dt.UTC) if until else None

    def errors_text(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)
