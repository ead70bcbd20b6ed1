"""The plans pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import plans as views

urlpatterns: list[URLPattern] = [
    path("plans/", views.plans, name="plans"),
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/position-report.pdf", views.plan_pdf, name="plan-pdf"),
    path("plans/<int:plan_id>/position-report.xlsx", views.plan_xlsx, name="plan-xlsx"),
]
urlpatterns.append(
    path("plans/<int:plan_id>/actions/<int:action_id>/", views.action, name="plan-action")
)
