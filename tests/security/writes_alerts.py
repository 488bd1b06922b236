"""Writes of the alerts pages for the generated permission tests (merged into WRITES in
test_permissions.py): route and method -> (role it needs, valid body for organization ids `o`)."""

WRITES: dict = {
    ("web:alert_channel_add", "post"): ("admin", lambda o: {
        "kind": "slack", "name": "new-slack", "organization": o["organization"],
        "url": "https://hooks.slack.example/services/T0/B0/new-slack-secret"}),
    ("web:alert_channel_remove", "post"): ("admin", lambda o: {}),
    ("web:alert_channel_enabled", "post"): ("admin", lambda o: {"enabled": "off"}),
    # An email channel without its own server: Django's test mail outbox.
    ("web:alert_channel_test", "post"): ("admin", lambda o: {}),
    ("web:alert_rule_add", "post"): ("admin", lambda o: {
        "min_severity": "high", "organizations": [o["organization"]], "providers": ["aws"],
        "event_kinds": ["drift_new"], "mode": "daily"}),
    ("web:alert_rule_remove", "post"): ("admin", lambda o: {}),
    ("web:alert_rule_enabled", "post"): ("admin", lambda o: {"enabled": "off"}),
}
