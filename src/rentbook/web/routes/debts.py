"""The corporate debt pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import debts

urlpatterns: list[URLPattern] = [
    path("revenues/", debts.revenues, name="revenues"),
    path("revenues.csv", debts.revenues_csv, name="revenues-csv"),
    path("revenues.xlsx", debts.revenues_xlsx, name="revenues-xlsx"),
    path("customers/", debts.customers, name="customers"),
    path("customers/<str:customer_ref>/", debts.customer, name="customer"),
    path("customer-matches/", debts.matches, name="customer-matches"),
    path("customer-matches/<int:match_id>/", debts.match_decision, name="customer-match"),
]
