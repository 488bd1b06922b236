"""Drift and control findings, and the analyst's actions on them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cspm.api.serializers.fields import Text
from cspm.drift.models import DriftFinding
from cspm.drift.selectors import finding_texts

CHANGE_KEYS = ("path", "op", "before", "after", "severity", "rule")


class FindingSerializer(serializers.ModelSerializer):
    source = serializers.SerializerMethodField(help_text="drift (differs from the baseline) or control (fails one)")
    account_name = serializers.CharField(source="account.name", read_only=True)
    organization = serializers.IntegerField(source="account.organization_id", read_only=True)
    provider = serializers.CharField(source="account.provider", read_only=True)
    environment = serializers.CharField(source="account.environment", read_only=True)
    resource_type = serializers.CharField(source="resource.type", read_only=True)
    resource_native_id = serializers.CharField(source="resource.native_id", read_only=True)
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    region = serializers.CharField(source="resource.region", read_only=True)
    changes = serializers.SerializerMethodField()
    rationale = serializers.SerializerMethodField(help_text="Why it matters")
    remediation = serializers.SerializerMethodField(help_text="How to fix it")

    class Meta:
        model = DriftFinding
        fields = ["id", "source", "kind", "control_id", "severity", "status", "account", "account_name", "organization",
                  "provider", "environment", "resource", "resource_type", "resource_native_id", "resource_name",
                  "region", "changes", "reasons", "opened_at", "updated_at", "resolved_at", "suppressed_until",
                  "status_reason", "status_changed_by", "rationale", "remediation", "first_snapshot", "last_snapshot",
                  "baseline_version", "current_version"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["drift", "control"]))
    def get_source(self, f) -> str:
        return "control" if f.control_id else "drift"

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_changes(self, f):
        return [{k: c.get(k) for k in CHANGE_KEYS} for c in f.changes]

    def get_rationale(self, f) -> str:
        return finding_texts(f)["rationale"]

    def get_remediation(self, f) -> str:
        return finding_texts(f)["remediation"]


class ReasonSerializer(serializers.Serializer):
    reason = Text(max_length=2000, required=False, allow_blank=True, default="")


class AcceptSerializer(ReasonSerializer):
    reason = Text(max_length=2000, required=False, allow_blank=True, default="",
                  help_text="Required to accept the risk of a failing control")


class SuppressSerializer(serializers.Serializer):
    reason = Text(max_length=2000, help_text="Why this is an accepted exception")
    until = serializers.DateTimeField(help_text="When the suppression ends (in the future, within a year)")
