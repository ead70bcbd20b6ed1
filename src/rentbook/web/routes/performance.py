"""The performance pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import performance as views

urlpatterns: list[URLPattern] = [
    path("performance/", views.dashboard, name="performance"),
    path("performance/work-out/", views.work_out, name="performance-work-out"),
    path("performance/accounts/", views.accounts, name="performance-accounts"),
    path("performance/indicators.csv", views.indicators_csv, name="performance-csv"),
    path("performance/indicators.xlsx", views.indicators_xlsx, name="performance-xlsx"),
    path("performance/committee-report.pdf", views.committee_report, name="performance-report"),
    path("performance/targets/", views.targets, name="performance-targets"),
    path("performance/custom/", views.custom_indicators, name="performance-custom"),
]
