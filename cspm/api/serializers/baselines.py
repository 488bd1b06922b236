from rest_framework import serializers

from cspm.api.serializers.fields import Text
from cspm.drift.models import BaselineApproval


class ApprovalSerializer(serializers.ModelSerializer):
    class Meta:
        model = BaselineApproval
        fields = ["id", "account", "scope", "snapshot", "resource", "approved_at", "approved_by", "actor", "reason",
                  "entries_changed"]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    snapshot = serializers.IntegerField(min_value=1, required=False,
                                        help_text="Snapshot id of this account (default: its latest ok snapshot)")
    reason = Text(max_length=2000, required=False, allow_blank=True, default="")


class EvaluationCountsSerializer(serializers.Serializer):
    opened = serializers.IntegerField()
    updated = serializers.IntegerField()
    resolved = serializers.IntegerField()
    reopened = serializers.IntegerField()


class ApprovedSerializer(ApprovalSerializer):
    findings = EvaluationCountsSerializer(help_text="What re-judging drift against the new baseline did")

    class Meta(ApprovalSerializer.Meta):
        fields = [*ApprovalSerializer.Meta.fields, "findings"]
        read_only_fields = fields
