from django.urls import include, path

from cspm.web.views import audit, diligence, home, members, signin, tokens, twofactor

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", signin.login_view, name="login"),
    path("login/verify/", signin.verify, name="verify"),
    path("logout/", signin.logout_view, name="logout"),
    path("account/2fa/", twofactor.setup, name="twofactor_setup"),
    path("account/2fa/backup-codes/", twofactor.backup_codes_renew, name="backup_codes"),
    path("account/tokens/", tokens.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    path("audit/", audit.audit_log, name="audit"),
    path("orgs/<int:org_id>/members/", members.member_list, name="members"),
    path("orgs/<int:org_id>/members/add/", members.member_add, name="member_add"),
    path("orgs/<int:org_id>/members/<int:membership_id>/role/", members.member_role, name="member_role"),
    path("orgs/<int:org_id>/members/<int:membership_id>/remove/", members.member_remove, name="member_remove"),
    path("orgs/<int:org_id>/members/<int:membership_id>/reset-2fa/", members.member_reset_2fa,
         name="member_reset_2fa"),
    path("orgs/<int:org_id>/require-2fa/", members.require_2fa, name="require_2fa"),
    path("orgs/<int:org_id>/due-diligence/", diligence.due_diligence_page, name="due_diligence"),
    # The app's areas, each in its own module (names stay in the web namespace).
    path("", include("cspm.web.routes.dashboard")),
    path("", include("cspm.web.routes.accounts")),
    path("", include("cspm.web.routes.drift")),
    path("", include("cspm.web.routes.resources")),
    path("", include("cspm.web.routes.compliance")),
    path("", include("cspm.web.routes.alerts")),
]
