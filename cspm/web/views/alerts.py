"""The alert settings for admins: channels (/alerts/: add, enable or disable, test-send, remove),
one channel and its rules (/alerts/channels/<id>/: add, enable or disable, remove a rule), and
the delivery history (/alerts/deliveries/: filters, pages, CSV or JSON export). Secrets are
typed into password fields, stored encrypted by the services and never shown again."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from cspm.accounts.models import CloudAccount
from cspm.alerts import channels as channel_services
from cspm.alerts import rules as rule_services
from cspm.alerts.models import SEVERITY_CHOICES, EventKind, Mode, Notification
from cspm.alerts.selectors import notification_as_dict
from cspm.core.errors import DomainError
from cspm.web import alert_pages as pages
from cspm.web.exporting import export_links, export_response
from cspm.web.scope import manages_anything

PAGE = 50


def _secret(label: str, help_text: str = "", required: bool = True) -> forms.CharField:
    # render_value=False (the default): a secret is never sent back to the browser, not even on an error.
    return forms.CharField(label=label, required=required, strip=False, max_length=2000, help_text=help_text,
                           widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}))


class ChannelForm(forms.Form):
    kind = ""
    name = forms.CharField(max_length=100, help_text="Unique, e.g. secops-email.")
    organization = forms.TypedChoiceField(coerce=int, empty_value=None, help_text=(
        "The channel hears only about this organization's accounts (and its acquisitions')."))

    def __init__(self, *args, organizations, superuser: bool, **kwargs):
        super().__init__(*args, auto_id=f"{self.kind}-%s", **kwargs)
        field = self.fields["organization"]
        field.choices = ([("", "Every organization (a global channel)")] if superuser else []) + organizations
        field.required = not superuser

    def service_arguments(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "organization"}


class EmailChannelForm(ChannelForm):
    kind = "email"
    recipients = forms.CharField(max_length=5000, help_text="Comma-separated addresses.")
    smtp_host = forms.CharField(label="SMTP server", required=False, max_length=253,
                                help_text="Empty: the server's own mail settings.")
    smtp_port = forms.IntegerField(label="SMTP port", required=False, min_value=1, max_value=65535)
    smtp_security = forms.ChoiceField(label="SMTP security", required=False,
                                      choices=[("", "-"), *[(s, s) for s in channel_services.SECURITY]])
    smtp_username = forms.CharField(label="SMTP user name", required=False, max_length=200)
    smtp_password = _secret("SMTP password", "Stored encrypted, never shown again.", required=False)
    sender = forms.EmailField(label="From address", required=False)


class SlackChannelForm(ChannelForm):
    kind = "slack"
    url = _secret("Incoming webhook URL", "https://hooks.slack.com/services/…: stored encrypted, never shown again.")


class WebhookChannelForm(ChannelForm):
    kind = "webhook"
    url = _secret("URL", "Where the signed JSON is POSTed: stored encrypted, never shown again.")
    signing_secret = _secret("Signing secret", f"At least {channel_services.MIN_SIGNING_SECRET} characters; the "
                                               "receiver checks the signature with it.")


CHANNEL_FORMS = {f.kind: f for f in (EmailChannelForm, SlackChannelForm, WebhookChannelForm)}


class RuleForm(forms.Form):
    min_severity = forms.ChoiceField(label="Minimum severity", choices=SEVERITY_CHOICES, initial="low")
    organizations = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, help_text="None ticked: all of them.")
    providers = forms.MultipleChoiceField(label="Clouds", required=False, choices=CloudAccount.Provider.choices,
                                          widget=forms.CheckboxSelectMultiple, help_text="None ticked: all of them.")
    event_kinds = forms.MultipleChoiceField(label="Events", required=False, choices=EventKind.choices,
                                            widget=forms.CheckboxSelectMultiple, help_text="None ticked: all of them.")
    mode = forms.ChoiceField(label="When", choices=Mode.choices, initial=Mode.IMMEDIATE)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, auto_id="rule-%s", **kwargs)
        self.fields["organizations"].choices = organizations


class EnabledForm(forms.Form):
    enabled = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, label="Status",
                               choices=[("", "Any status"), *Notification.Status.choices])
    channel = forms.TypedChoiceField(required=False, label="Channel", coerce=int, empty_value=None)

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "Any channel"), *channels]


def _require_admin(user) -> None:
    if not manages_anything(user):
        raise PermissionDenied("alert settings are for admins")


def _channel_forms(user, bound=None) -> dict:
    organizations = pages.organizations_managed(user)
    forms_ = {kind: cls(organizations=organizations, superuser=user.is_superuser)
              for kind, cls in CHANNEL_FORMS.items()}
    if bound is not None:
        forms_[bound.kind] = bound
    return forms_


def _overview(request, bound=None, status=200):
    return render(request, "web/alerts/overview.html", {
        "channels": pages.channel_rows(pages.channels_managed(request.user)),
        "forms": _channel_forms(request.user, bound), "open_form": bound.kind if bound is not None else "",
    }, status=status)


@require_GET
@login_required
def alerts(request):
    _require_admin(request.user)
    return _overview(request)


@require_POST
@login_required
def channel_add(request):
    user = request.user
    _require_admin(user)
    form_class = CHANNEL_FORMS.get(request.POST.get("kind", ""))
    if form_class is None:
        return HttpResponseBadRequest("kind: email, slack or webhook")
    form = form_class(request.POST, organizations=pages.organizations_managed(user), superuser=user.is_superuser)
    if not form.is_valid():
        return _overview(request, form, status=400)
    org_id = form.cleaned_data["organization"]
    try:
        organization = pages.organization_names(user, [org_id])[0] if org_id else None
        channel = channel_services.channel_add(kind=form.kind, organization=organization, **form.service_arguments())
    except DomainError as exc:
        form.add_error(None, str(exc))
        return _overview(request, form, status=400)
    messages.success(request, f"Added the {channel.kind} channel {channel.name}: add a rule to say what it hears "
                              "about.")
    return redirect("web:alert_channel", channel.pk)


def _channel_page(request, channel, rule_form=None, status=200):
    return render(request, "web/alerts/channel.html", {
        "row": pages.channel_rows([channel])[0] | {"rules": pages.channel_rules(channel)},
        "rule_form": rule_form or RuleForm(organizations=pages.rule_organizations(request.user, channel)),
    }, status=status)


@require_GET
@login_required
def channel_detail(request, channel_id: int):
    return _channel_page(request, pages.channel_for(request.user, channel_id))


def _back(request, channel):
    """Where a channel's action returns: the page the button was on."""
    if request.POST.get("back") == "overview":
        return redirect("web:alerts")
    return redirect("web:alert_channel", channel.pk)


@require_POST
@login_required
def channel_remove(request, channel_id: int):
    channel = pages.channel_for(request.user, channel_id)
    channel_services.channel_remove(name=channel.name)
    messages.success(request, f"Removed the channel {channel.name}, its rules and its outbox.")
    return redirect("web:alerts")


@require_POST
@login_required
def channel_enabled(request, channel_id: int):
    channel = pages.channel_for(request.user, channel_id)
    form = EnabledForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("enabled: on or off")
    enabled = form.cleaned_data["enabled"] == "on"
    channel_services.channel_set_enabled(channel, enabled)
    messages.success(request, f"The channel {channel.name} is {'enabled' if enabled else 'disabled'}.")
    return _back(request, channel)


@require_POST
@login_required
def channel_test(request, channel_id: int):
    channel = pages.channel_for(request.user, channel_id)
    error = channel_services.channel_test_send(channel)
    if error:
        messages.error(request, f"The test message through {channel.name} failed: {error}")
    else:
        messages.success(request, f"Sent a test message through {channel.name}.")
    return _back(request, channel)


@require_POST
@login_required
def rule_add(request, channel_id: int):
    user = request.user
    channel = pages.channel_for(user, channel_id)
    form = RuleForm(request.POST, organizations=pages.rule_organizations(user, channel))
    if not form.is_valid():
        return _channel_page(request, channel, form, status=400)
    data = form.cleaned_data
    try:
        rule = rule_services.rule_add(channel=channel.name, min_severity=data["min_severity"], mode=data["mode"],
                                      organizations=pages.organization_names(user, data["organizations"]),
                                      providers=data["providers"], event_kinds=data["event_kinds"])
    except DomainError as exc:
        form.add_error(None, str(exc))
        return _channel_page(request, channel, form, status=400)
    messages.success(request, f"Added rule #{rule.pk} to {channel.name}.")
    return redirect("web:alert_channel", channel.pk)


@require_POST
@login_required
def rule_remove(request, rule_id: int):
    rule = pages.rule_for(request.user, rule_id)
    rule_services.rule_remove(rule_id=rule.pk)
    messages.success(request, f"Removed rule #{rule_id} of {rule.channel.name}.")
    return redirect("web:alert_channel", rule.channel_id)


@require_POST
@login_required
def rule_enabled(request, rule_id: int):
    rule = pages.rule_for(request.user, rule_id)
    form = EnabledForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("enabled: on or off")
    enabled = form.cleaned_data["enabled"] == "on"
    rule_services.rule_set_enabled(rule, enabled)
    messages.success(request, f"Rule #{rule.pk} is {'enabled' if enabled else 'disabled'}.")
    return redirect("web:alert_channel", rule.channel_id)


@require_GET
@login_required
def deliveries(request):
    user = request.user
    _require_admin(user)
    channels = list(pages.channels_managed(user).prefetch_related(None).values_list("id", "name"))
    form = DeliveryFilterForm(request.GET, channels=channels)
    if not form.is_valid():
        return render(request, "web/alerts/deliveries.html", {"form": form, "rows": []}, status=400)
    data = form.cleaned_data
    qs = pages.deliveries(user, status=data["status"], channel_id=data["channel"])
    fmt = request.GET.get("format")
    if fmt:
        return _export(qs, fmt)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in (("status", data["status"]), ("channel", data["channel"])) if v}
    return render(request, "web/alerts/deliveries.html", {
        "form": form, "rows": list(page.object_list), "page": page,
        "previous": urlencode({**query, "page": page.previous_page_number()}) if page.has_previous() else "",
        "next": urlencode({**query, "page": page.next_page_number()}) if page.has_next() else "",
        "exports": export_links(query),
    })


def _export(qs, fmt: str):
    rows = (notification_as_dict(n) for n in qs.iterator(chunk_size=500))
    return export_response(fmt, rows, pages.DELIVERY_COLUMNS, "deliveries")
