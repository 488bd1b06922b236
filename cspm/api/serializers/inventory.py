"""Snapshots (one poll each), resources and their configuration history."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cspm.inventory.models import Resource, ResourceVersion, Snapshot

CONFIG = {"type": "object", "additionalProperties": True, "nullable": True}


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Snapshot
        fields = ["id", "account", "status", "started_at", "finished_at", "added", "changed", "removed", "unchanged",
                  "collectors", "timings", "compliance"]
        read_only_fields = fields


class ResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = ["id", "account", "type", "native_id", "region", "name", "tags", "current_hash", "current_version",
                  "first_seen", "removed_in", "removed_at"]
        read_only_fields = fields


class ResourceDetailSerializer(ResourceSerializer):
    config = serializers.SerializerMethodField(help_text="The current configuration (the last one, if removed)")

    class Meta(ResourceSerializer.Meta):
        fields = [*ResourceSerializer.Meta.fields, "config"]
        read_only_fields = fields

    @extend_schema_field(CONFIG)
    def get_config(self, resource):
        return self.context["configs"].get(resource.current_version_id)


class VersionSerializer(serializers.ModelSerializer):
    config = serializers.SerializerMethodField(help_text="The configuration at this version (empty for a removal)")

    class Meta:
        model = ResourceVersion
        fields = ["id", "resource", "snapshot", "event", "observed_at", "hash", "name", "region", "tags", "config"]
        read_only_fields = fields

    @extend_schema_field(CONFIG)
    def get_config(self, version):
        return self.context["configs"].get(version.pk)
