"""Control results (one per control and live resource), scores and their trend."""

from rest_framework import serializers

from cspm.compliance.controls import CONTROLS, load
from cspm.compliance.models import ControlResult


class ResultSerializer(serializers.ModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    title = serializers.SerializerMethodField()
    resource_type = serializers.CharField(source="resource.type", read_only=True)
    resource_native_id = serializers.CharField(source="resource.native_id", read_only=True)
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    region = serializers.CharField(source="resource.region", read_only=True)

    class Meta:
        model = ControlResult
        fields = ["id", "account", "account_name", "control_id", "title", "benchmark", "severity", "status",
                  "resource", "resource_type", "resource_native_id", "resource_name", "region", "detail", "path",
                  "version", "evaluated_at"]
        read_only_fields = fields

    def get_title(self, result) -> str:
        load()
        control = CONTROLS.get(result.control_id)
        return control.title if control else ""


class ScoreSerializer(serializers.Serializer):
    account = serializers.CharField(required=False, help_text="present when grouped by account")
    organization = serializers.CharField(required=False, help_text="present when grouped by organization")
    provider = serializers.CharField(required=False, help_text="present when grouped by provider")
    benchmark = serializers.CharField(required=False, help_text="present when grouped by benchmark")
    severity = serializers.CharField(required=False, help_text="present when grouped by severity")
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text="Percent passed, failures weighted by severity")


class TrendSerializer(serializers.Serializer):
    day = serializers.DateField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
