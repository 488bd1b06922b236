from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cspm.accounts.models import Membership, Organization


class OrganizationSerializer(serializers.ModelSerializer):
    integration_stage = serializers.SerializerMethodField(help_text="An acquisition's stage (null for a parent)")
    role = serializers.SerializerMethodField(help_text="Your role there (held there or in an organization above)")

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind", "parent", "acquired_on", "integration_stage", "require_2fa", "role"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Organization.Stage.choices, allow_null=True))
    def get_integration_stage(self, org) -> str | None:
        return org.integration_stage or None

    @extend_schema_field(serializers.ChoiceField(choices=Membership.Role.choices))
    def get_role(self, org) -> str:
        return self.context["roles"][org.pk]
