"""The web forms: they check the shape of what is typed; services check the rest."""

from django import forms
from django.conf import settings

from cspm.accounts.models import Membership


class SignInForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username",
                                                                            "autofocus": True}))
    password = forms.CharField(max_length=4096, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class CodeForm(forms.Form):
    code = forms.CharField(label="Code", max_length=32, help_text="6 digits from your app, or a backup code.",
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                                         "autocapitalize": "off", "spellcheck": "false"}))

    def clean_code(self) -> str:
        # Apps show "123 456"; backup codes are lower case.
        return "".join(self.cleaned_data["code"].split()).lower()


class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.VIEWER)
    email = forms.EmailField(required=False, help_text="For a new user.")
    password = forms.CharField(
        label="Initial password", required=False, strip=False, max_length=4096,
        help_text="Only to create a new user (at least 12 characters, not a common one). Leave empty to add an "
                  "existing user.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. \"SIEM export\".")
    days = forms.IntegerField(label="Valid for (days)", min_value=1, max_value=365)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.CSPM_API_TOKEN_DAYS


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, max_length=60, help_text="Prefix, e.g. auth. or member.")
    actor = forms.CharField(required=False, max_length=200, help_text="Exact, e.g. alice or cli:root")
    since = forms.CharField(required=False, max_length=40, help_text="Date or time, e.g. 2026-11-01")
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
