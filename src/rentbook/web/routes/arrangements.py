"""The arrangements pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import arrangements as v
from rentbook.web.views import tenant_proposals as tp

A = "accounts/<str:reference>/arrangements/"

urlpatterns: list[URLPattern] = [
    path(f"{A}new/", v.income_expenditure, name="arrangement-new"),
    path(f"{A}new/terms/", v.arrangement_terms, name="arrangement-terms"),
    path(f"{A}<int:pk>/", v.arrangement_page, name="arrangement"),
    path(f"{A}<int:pk>/confirmation/", v.confirmation, name="arrangement-confirmation"),
    path(f"{A}<int:pk>/confirmation.pdf", v.confirmation_pdf, name="arrangement-pdf"),
    path(f"{A}<int:pk>/reviewed/", v.mark_reviewed, name="arrangement-reviewed"),
    path(f"{A}<int:pk>/cancel/", v.cancel_arrangement, name="arrangement-cancel"),
    path("proposals/", tp.proposal_list, name="tenant-proposals"),
    path("proposals/<int:pk>/", tp.proposal_page, name="tenant-proposal"),
]
