"""Writes of the onboarding pages for the generated permission tests (merged into WRITES in
test_permissions.py): route and method -> (role it needs, valid body for organization ids `o`).
Each of them reaches a cloud (the connection test before saving, discovery before bulk
onboarding): None, so the tests check the refusals only; tests/web/test_onboarding_wizard.py
drives them against local fake clouds."""

WRITES: dict = {
    ("web:onboard_account", "post"): ("admin", None),
    ("web:account_discover_run", "post"): ("admin", None),
    ("web:account_discover_onboard", "post"): ("admin", None),
}
