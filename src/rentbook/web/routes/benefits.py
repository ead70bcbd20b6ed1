"""The benefits pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import benefits

urlpatterns: list[URLPattern] = [
    path(
        "accounts/<str:reference>/universal-credit-request/",
        benefits.uc_request,
        name="uc-request",
    ),
    path(
        "universal-credit-requests/<int:pk>/outcome/",
        benefits.uc_request_outcome,
        name="uc-request-outcome",
    ),
]
