from rest_framework import serializers

from cspm.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "source", "ip", "action", "target_type", "target_id", "target",
                  "organization_id", "detail"]
        read_only_fields = fields
