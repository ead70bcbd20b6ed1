from django.urls import path

from rentbook.web.views import accounts, audit_log, sign_in, statements

app_name = "web"

urlpatterns = [
    path("", accounts.find_account, name="home"),
    path("sign-in/", sign_in.SignInView.as_view(), name="sign-in"),
    path("sign-out/", sign_in.SignOutView.as_view(), name="sign-out"),
    path("accounts/<str:reference>/", accounts.account_page, name="account"),
    path("accounts/<str:reference>/statement/", statements.statement_page, name="statement"),
    path("accounts/<str:reference>/statement.csv", statements.statement_csv, name="statement-csv"),
    path("accounts/<str:reference>/statement.pdf", statements.statement_pdf, name="statement-pdf"),
    path("audit-log/", audit_log.audit_log, name="audit-log"),
]
