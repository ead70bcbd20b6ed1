from django.urls import include, path

from rentbook.web.views import (
    accounts,
    audit_log,
    cases,
    health,
    risk,
    runs,
    sign_in,
    statements,
    worktray,
)

app_name = "web"

urlpatterns = [
    path("", accounts.find_account, name="home"),
    path("health/", health.health, name="health"),
    path("sign-in/", sign_in.SignInView.as_view(), name="sign-in"),
    path("sign-in/code/", sign_in.sign_in_code, name="sign-in-code"),
    path("sign-out/", sign_in.SignOutView.as_view(), name="sign-out"),
    path("two-factor/", sign_in.two_factor_settings, name="two-factor"),
    path("accounts/<str:reference>/", accounts.account_page, name="account"),
    path("accounts/<str:reference>/statement/", statements.statement_page, name="statement"),
    path("accounts/<str:reference>/statement.csv", statements.statement_csv, name="statement-csv"),
    path("accounts/<str:reference>/statement.pdf", statements.statement_pdf, name="statement-pdf"),
    path("accounts/<str:reference>/risk-scores.csv", risk.risk_scores_csv, name="risk-scores-csv"),
    path("audit-log/", audit_log.audit_log, name="audit-log"),
    path("worktray/", worktray.worktray, name="worktray"),
    path("worktray.csv", worktray.worktray_csv, name="worktray-csv"),
    path("worktray.xlsx", worktray.worktray_xlsx, name="worktray-xlsx"),
    path("accounts/<str:reference>/record-action/", cases.record_action, name="record-action"),
    path("accounts/<str:reference>/pause/", cases.pause_case, name="pause-case"),
    path(
        "accounts/<str:reference>/pauses/<int:pause_id>/lift/",
        cases.lift_pause,
        name="lift-pause",
    ),
    path("accounts/<str:reference>/flags/new/", cases.add_flag, name="add-flag"),
    path("runs/", runs.runs, name="runs"),
    # each stage's pages, in their own route modules so they can grow apart
    path("", include("rentbook.web.routes.arrangements")),
    path("", include("rentbook.web.routes.legal")),
    path("", include("rentbook.web.routes.recovery")),
    path("", include("rentbook.web.routes.banking")),
    path("", include("rentbook.web.routes.benefits")),
    path("", include("rentbook.web.routes.debts")),
    path("", include("rentbook.web.routes.comms")),
    path("", include("rentbook.web.routes.performance")),
    path("", include("rentbook.web.routes.plans")),
]
