"""Cloud accounts as the API shows them (never their credentials: only what kind they are and
their non-secret identifiers) and as it takes them in."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cspm.accounts.models import CloudAccount
from cspm.api.serializers.fields import CredentialsField, Text

DURATION_HELP = "How often to poll: 30s, 15m, 1h or 1d (a bare number is minutes); 10 seconds to 7 days"


class AccountSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    endpoint = serializers.CharField(source="endpoint_url", read_only=True)
    has_ca_bundle = serializers.SerializerMethodField()
    regions = serializers.ListField(child=serializers.CharField(), read_only=True)
    credentials_summary = serializers.SerializerMethodField(
        help_text="What kind of credentials are stored and their non-secret identifiers (null: none stored)")

    class Meta:
        model = CloudAccount
        fields = ["id", "name", "provider", "native_id", "environment", "organization", "organization_name",
                  "regions", "poll_interval_seconds", "enabled", "endpoint", "has_ca_bundle", "has_credentials",
                  "credentials_summary", "last_snapshot", "last_polled_at", "created_at", "updated_at"]
        read_only_fields = fields

    def get_has_ca_bundle(self, account) -> bool:
        return bool(account.ca_bundle)

    @extend_schema_field({"type": "object", "additionalProperties": True, "nullable": True})
    def get_credentials_summary(self, account):
        return account.credentials_summary or None


class AccountCreateSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, help_text="Id of an existing organization you administer")
    provider = serializers.ChoiceField(choices=CloudAccount.Provider.choices)
    native_id = Text(max_length=100, help_text="AWS account id, GCP project id or Azure subscription id")
    name = Text(max_length=200)
    environment = serializers.ChoiceField(choices=CloudAccount.Environment.choices, default="prod")
    regions = serializers.ListField(child=Text(max_length=64), max_length=100, default=list,
                                    help_text="Empty: every region the account enables")
    poll_interval = Text(max_length=20, default="15m", help_text=DURATION_HELP)
    credentials = CredentialsField(required=False)
    endpoint = Text(max_length=500, required=False, allow_blank=True,
                    help_text="One base URL for every API of the cloud (sovereign cloud, simulator)")
    test_connection = serializers.BooleanField(default=True,
                                               help_text="Reach the account with the credentials before saving")


class AccountUpdateSerializer(serializers.Serializer):
    name = Text(max_length=200, required=False)
    environment = serializers.ChoiceField(choices=CloudAccount.Environment.choices, required=False)
    regions = serializers.ListField(child=Text(max_length=64), max_length=100, required=False)
    poll_interval = Text(max_length=20, required=False, help_text=DURATION_HELP)
    enabled = serializers.BooleanField(required=False)


class CredentialsReplaceSerializer(serializers.Serializer):
    credentials = CredentialsField()
    test_connection = serializers.BooleanField(default=True)


class ConnectionTestSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    result = serializers.JSONField(allow_null=True, help_text="What the credentials authenticate as, when reached")
    error = serializers.CharField(allow_null=True, help_text="Why the account could not be reached")
