"""The onboarding wizard's logic, kept out of its views (cspm/web/views/onboarding.py): the forms of
its steps, the per-onboarding AWS external id, the instructions of each cloud (built from
cspm/accounts/permissions_guide.py), the credentials document the forms make, and the discovery
rows. The writes are the services' (account_onboard, bulk_onboard), which validate, test and audit."""

from __future__ import annotations

import json
import secrets

from django import forms
from django.conf import settings

from cspm.accounts import access
from cspm.accounts import permissions_guide as guide
from cspm.accounts.models import CloudAccount, Organization

CLOUDS = {"aws": "AWS", "gcp": "GCP", "azure": "Azure"}
NATIVE_ID = {"aws": ("AWS account id", "12 digits, e.g. 123456789012"),
             "gcp": ("GCP project id", "e.g. acme-prod-123"),
             "azure": ("Azure subscription id", "a GUID, e.g. 8f3c1e2a-7b4d-4e5f-9a6b-1c2d3e4f5a6b")}
SOURCE = {"aws": "the management account of an AWS Organization",
          "gcp": "a service account bound on a GCP folder or organization",
          "azure": "a service principal with Reader on a management group or on several subscriptions"}
EXTERNAL_IDS = "cspm_onboarding_external_ids"  # session key: {organization id: external id}
ROLE_NAME = "cspm-reader"
MAX_KEY_FILE = 64 * 1024


class NoEchoTextInput(forms.TextInput):
    """A credentials field: what was typed is never sent back (after an error it is typed again)."""

    def format_value(self, value):
        return None


class NoEchoTextarea(forms.Textarea):
    def format_value(self, value):
        return None


def _secret(label: str, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, strip=True, max_length=4096, help_text=help_text,
                           widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}))


def managed_organizations(user) -> list[Organization]:
    return list(Organization.objects.filter(pk__in=access.organizations_for(user, "manage"))
                .select_related("parent").order_by("name"))


def organization_label(org: Organization) -> str:
    return f"{org.name} (acquisition of {org.parent.name})" if org.parent else org.name


# --- step 1 ----------------------------------------------------------------------------------


class StartForm(forms.Form):
    cloud = forms.ChoiceField(label="Cloud", choices=list(CLOUDS.items()), widget=forms.RadioSelect)
    organization = forms.TypedChoiceField(label="Organization", coerce=int,
                                          help_text="The organization the account belongs to (a company of the "
                                                    "group, or an acquisition).")
    environment = forms.ChoiceField(label="Environment", choices=CloudAccount.Environment.choices,
                                    initial=CloudAccount.Environment.PROD,
                                    help_text="prod raises the severity of drift, dev lowers it.")
    name = forms.CharField(label="Account name", max_length=200, help_text="How the account is shown here.")

    def __init__(self, *args, organizations: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, organization_label(o)) for o in organizations]


# --- steps 2 and 3 ---------------------------------------------------------------------------


class AccountForm(forms.Form):
    """What every cloud asks; each cloud's form adds its credentials and makes the document."""

    native_id = forms.CharField(max_length=200)
    name = forms.CharField(label="Account name", max_length=200)
    environment = forms.ChoiceField(label="Environment", choices=CloudAccount.Environment.choices,
                                    initial=CloudAccount.Environment.PROD)
    regions = forms.CharField(label="Regions", required=False, max_length=2000,
                              help_text="Comma-separated; empty: every region the account enables.")
    poll_interval = forms.CharField(label="Poll interval", max_length=20, initial="15m",
                                    help_text="30s, 15m, 1h, 1d (a bare number is minutes).")
    endpoint = forms.CharField(label="Endpoint URL", required=False, max_length=2000,
                               help_text="Every API of the cloud at one base URL: sovereign clouds, private "
                                         "endpoints, the offline simulator. Empty: the public cloud.")
    ca_bundle = forms.CharField(label="CA bundle (PEM)", required=False, max_length=256 * 1024,
                                widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
                                help_text="Certificates the endpoint's TLS certificate is checked against.")

    cloud = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label, example = NATIVE_ID[self.cloud]
        self.fields["native_id"].label = label
        self.fields["native_id"].help_text = example

    def document(self, external_id: str) -> bytes:
        raise NotImplementedError

    def service_input(self, external_id: str) -> dict:
        """The keyword arguments of account_onboard / onboarding_connection_test (less the org)."""
        data = self.cleaned_data
        return {
            "provider": self.cloud, "native_id": data["native_id"].strip(),
            "credentials": self.document(external_id),
            "endpoint": data["endpoint"].strip() or None,
            "ca_bundle": data["ca_bundle"].strip().encode() or None,
            "regions": [r.strip() for r in data["regions"].split(",") if r.strip()],
        }


class AwsForm(AccountForm):
    cloud = "aws"
    mode = forms.ChoiceField(label="How the product signs in", widget=forms.RadioSelect, initial="role", choices=[
        ("role", "Assume a role in the account (recommended)"),
        ("keys", "Access keys of a read-only IAM user")])
    role_name = forms.RegexField(label="Role name", regex=r"^[\w+=,.@-]{1,64}$", max_length=64, initial=ROLE_NAME,
                                 required=False, help_text="The role you created with the policies above.")
    partition = forms.ChoiceField(label="Partition", initial="aws", choices=[
        ("aws", "aws (commercial)"), ("aws-cn", "aws-cn (China)"), ("aws-us-gov", "aws-us-gov (GovCloud)")])
    access_key_id = forms.CharField(label="Access key id", required=False, max_length=128,
                                    widget=NoEchoTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    secret_access_key = _secret("Secret access key")
    session_token = _secret("Session token", help_text="Only for temporary keys (ASIA…).")

    def clean(self):
        data = super().clean()
        if data.get("mode") == "role" and not data.get("role_name"):
            self.add_error("role_name", "Give the name of the role to assume.")
        if data.get("mode") == "keys":
            for field in ("access_key_id", "secret_access_key"):
                if not data.get(field):
                    self.add_error(field, "Required with access keys.")
        return data

    def document(self, external_id: str) -> bytes:
        data = self.cleaned_data
        if data["mode"] == "role":
            arn = f"arn:{data['partition']}:iam::{data['native_id'].strip()}:role/{data['role_name']}"
            return json.dumps({"role_arn": arn, "external_id": external_id}).encode()
        doc = {"access_key_id": data["access_key_id"], "secret_access_key": data["secret_access_key"]}
        if data.get("session_token"):
            doc["session_token"] = data["session_token"]
        return json.dumps(doc).encode()


class GcpForm(AccountForm):
    cloud = "gcp"
    key_file = forms.FileField(label="Service-account key file", required=False,
                               help_text="key.json as `gcloud iam service-accounts keys create` wrote it.")
    key_json = forms.CharField(label="…or paste the key file", required=False, max_length=MAX_KEY_FILE,
                               widget=NoEchoTextarea(attrs={"rows": 4, "spellcheck": "false",
                                                            "autocomplete": "off"}))

    def clean(self):
        data = super().clean()
        upload = data.get("key_file")
        if upload is not None and upload.size > MAX_KEY_FILE:
            self.add_error("key_file", "The key file is larger than 64 KiB.")
        elif upload is None and not data.get("key_json"):
            self.add_error("key_file", "Upload the service account's key file, or paste it below.")
        return data

    def document(self, external_id: str) -> bytes:
        upload = self.cleaned_data.get("key_file")
        if upload is not None:
            upload.seek(0)
            return upload.read()
        return self.cleaned_data["key_json"].encode()


class AzureForm(AccountForm):
    cloud = "azure"
    tenant_id = forms.CharField(label="Tenant id", max_length=64, help_text="\"tenant\" in az's output.")
    client_id = forms.CharField(label="Client id", max_length=64, help_text="\"appId\" in az's output.")
    client_secret = _secret("Client secret", required=True, help_text="\"password\" in az's output.")

    def document(self, external_id: str) -> bytes:
        data = self.cleaned_data
        return json.dumps({"tenant_id": data["tenant_id"].strip(), "client_id": data["client_id"].strip(),
                           "client_secret": data["client_secret"]}).encode()


FORMS: dict[str, type[AccountForm]] = {"aws": AwsForm, "gcp": GcpForm, "azure": AzureForm}


def external_id_for(session, organization_id: int) -> str:
    """The AWS external id of this onboarding: random, generated by the product (so that nobody
    can make it assume a role with an id of their choosing), kept in the session until an account
    is saved with it, so the trust policy shown stays the one the user deployed."""
    ids = dict(session.get(EXTERNAL_IDS) or {})
    key = str(organization_id)
    if key not in ids:
        ids[key] = f"cspm-{secrets.token_urlsafe(24)}"
        session[EXTERNAL_IDS] = ids
    return ids[key]


def external_id_used(session, organization_id: int) -> None:
    ids = dict(session.get(EXTERNAL_IDS) or {})
    if ids.pop(str(organization_id), None) is not None:
        session[EXTERNAL_IDS] = ids


def instructions(cloud: str, *, external_id: str, native_id: str = "", role_name: str = ROLE_NAME) -> dict:
    """The documents and commands the instructions step shows for a cloud."""
    principal = settings.CSPM_AWS_PRINCIPAL
    if cloud == "aws":
        return {
            "policy": guide.as_json(guide.aws_policy()),
            "trust_policy": guide.as_json(guide.aws_trust_policy(principal=principal, external_id=external_id)),
            "external_id": external_id,
            "principal": principal or guide.AWS_PRINCIPAL_PLACEHOLDER,
            "principal_set": bool(principal),
            "commands": guide.aws_commands(role_name=role_name, account_id=native_id or "ACCOUNT_ID"),
        }
    if cloud == "gcp":
        return {"role": guide.gcp_role(), "permissions": guide.gcp_permissions(),
                "commands": guide.gcp_commands(project_id=native_id or "PROJECT_ID")}
    scope = f"/subscriptions/{native_id or 'SUBSCRIPTION_ID'}"
    return {"role": guide.as_json(guide.azure_role(scope=scope)), "actions": guide.azure_actions(),
            "commands": guide.azure_commands(subscription_id=native_id or "SUBSCRIPTION_ID")}


def reached(result: dict | None) -> list[tuple[str, str]]:
    """What a successful connection test reached, as label/value pairs to show (no secrets: the
    connection tests return account ids, names and identities)."""
    labels = {"account": "Account", "name": "Name", "identity": "Signed in as", "project_number": "Project number",
              "state": "State", "tenant_id": "Tenant"}
    return [(labels.get(k, k), str(v)) for k, v in (result or {}).items() if v not in (None, "")]


# --- discovery -------------------------------------------------------------------------------


class BulkForm(forms.Form):
    account_ids = forms.MultipleChoiceField(label="Accounts", required=False, widget=forms.CheckboxSelectMultiple)
    scope = forms.ChoiceField(choices=[("selected", "selected"), ("all", "all")], initial="selected",
                              required=False)
    organization = forms.TypedChoiceField(label="Into organization", coerce=int)
    environment = forms.ChoiceField(label="Environment", choices=CloudAccount.Environment.choices,
                                    initial=CloudAccount.Environment.PROD)
    role_name = forms.RegexField(label="Role name in each account", regex=r"^[\w+=,.@-]{1,64}$", max_length=64,
                                 initial=ROLE_NAME, required=False)
    external_id = forms.RegexField(label="External id", regex=r"^[A-Za-z0-9_+=,.@:/-]{2,1224}$", max_length=1224,
                                   required=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                                   help_text="The one the members' trust policies require, if any.")

    def __init__(self, *args, provider: str, organizations: list[Organization], members: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.fields["organization"].choices = [(o.pk, organization_label(o)) for o in organizations]
        self.fields["account_ids"].choices = [(m["account_id"], m["account_id"]) for m in members]
        if provider != "aws":
            del self.fields["role_name"], self.fields["external_id"]

    def clean(self):
        data = super().clean()
        if self.provider == "aws" and not data.get("role_name") and "role_name" not in self.errors:
            self.add_error("role_name", "Give the role to assume in each account.")
        if data.get("scope") != "all" and not data.get("account_ids") and "account_ids" not in self.errors:
            self.add_error("account_ids", "Select the accounts to onboard, or onboard all of them.")
        return data


def chosen(members: list[dict], data: dict) -> list[dict]:
    """The discovered members to onboard: all, or the selected ones (the form only accepts ids
    discovery returned: nothing is onboarded on the browser's word)."""
    if data.get("scope") == "all":
        return members
    wanted = set(data.get("account_ids") or ())
    return [m for m in members if m["account_id"] in wanted]


def member_rows(members: list[dict]) -> list[dict]:
    """Discovery results to show: the cloud's names are shown escaped like any other text."""
    return [{"account_id": m["account_id"], "name": m.get("name") or "",
             "status": m.get("status") or m.get("state") or "", "detail": m.get("email") or m.get("parent") or "",
             "onboarded_as": m.get("onboarded_as"),
             "eligible": not m.get("onboarded_as") and (m.get("status") or m.get("state") or "ACTIVE")
             in ("ACTIVE", "Enabled")} for m in members]

