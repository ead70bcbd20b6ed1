"""The recovery pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import recovery

urlpatterns: list[URLPattern] = [
    path(
        "accounts/<str:reference>/write-offs/new/",
        recovery.propose_write_off,
        name="propose-write-off",
    ),
    path(
        "accounts/<str:reference>/former-tenant-account/",
        recovery.open_former_tenant_account,
        name="open-former-tenant-account",
    ),
    path("write-offs/", recovery.write_offs, name="write-offs"),
    path("write-offs/<int:pk>/", recovery.write_off, name="write-off"),
    path("write-offs/committee-report/", recovery.committee_report, name="committee-report"),
    path(
        "write-offs/committee-report.csv",
        recovery.committee_report_csv,
        name="committee-report-csv",
    ),
    path(
        "write-offs/committee-report.pdf",
        recovery.committee_report_pdf,
        name="committee-report-pdf",
    ),
    path(
        "accounts/<str:reference>/former-tenant/",
        recovery.former_tenant,
        name="former-tenant",
    ),
    path("former-tenants/agency-outcomes/", recovery.agency_outcomes, name="agency-outcomes"),
    path("former-tenants/", recovery.former_tenant_accounts, name="former-tenants"),
    path("former-tenants/agency-referrals.csv", recovery.agency_export, name="agency-export"),
]
