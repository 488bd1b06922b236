"""Routes of the alerts pages (included into the web namespace by cspm/web/urls.py)."""

from django.urls import path

from cspm.web.views import alerts

urlpatterns: list = [
    path("alerts/", alerts.alerts, name="alerts"),
    path("alerts/channels/add/", alerts.channel_add, name="alert_channel_add"),
    path("alerts/channels/<int:channel_id>/", alerts.channel_detail, name="alert_channel"),
    path("alerts/channels/<int:channel_id>/remove/", alerts.channel_remove, name="alert_channel_remove"),
    path("alerts/channels/<int:channel_id>/enabled/", alerts.channel_enabled, name="alert_channel_enabled"),
    path("alerts/channels/<int:channel_id>/test/", alerts.channel_test, name="alert_channel_test"),
    path("alerts/channels/<int:channel_id>/rules/add/", alerts.rule_add, name="alert_rule_add"),
    path("alerts/rules/<int:rule_id>/remove/", alerts.rule_remove, name="alert_rule_remove"),
    path("alerts/rules/<int:rule_id>/enabled/", alerts.rule_enabled, name="alert_rule_enabled"),
    path("alerts/deliveries/", alerts.deliveries, name="alert_deliveries"),
]
