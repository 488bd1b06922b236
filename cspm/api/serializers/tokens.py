from rest_framework import serializers

from cspm.accounts.models import ApiToken
from cspm.api.serializers.fields import Text


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer):
    name = Text(max_length=100, help_text="What the token is for (e.g. ci)")
    days = serializers.IntegerField(min_value=1, max_value=365, required=False,
                                    help_text="Days until it expires (default: the site's CSPM_API_TOKEN_DAYS)")


class TokenCreatedSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The token itself: shown this once, keep it secret")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields
