"""The corporate debt pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import combined, debts

C = "customers/<str:customer_ref>/arrangements/"

urlpatterns: list[URLPattern] = [
    path("revenues/", debts.revenues, name="revenues"),
    path("revenues.csv", debts.revenues_csv, name="revenues-csv"),
    path("revenues.xlsx", debts.revenues_xlsx, name="revenues-xlsx"),
    path("revenues.pdf", debts.revenues_pdf, name="revenues-pdf"),
    path("revenues/work-out/", debts.revenues_work_out, name="revenues-work-out"),
    path("revenues/costs/", debts.revenues_cost, name="revenues-cost"),
    path("debt-work/", debts.debt_work, name="debt-work"),
    path("debt-work/<int:rec_id>/done/", debts.record_debt_step, name="debt-step"),
    path("customers/", debts.customers, name="customers"),
    path("customers/<str:customer_ref>/", debts.customer, name="customer"),
    path(f"{C}new/", combined.new_arrangement, name="combined-arrangement-new"),
    path(f"{C}<int:pk>/", combined.arrangement_page, name="combined-arrangement"),
    path(f"{C}<int:pk>/letter/", combined.letter, name="combined-arrangement-letter"),
    path(f"{C}<int:pk>/letter.pdf", combined.letter_pdf, name="combined-arrangement-pdf"),
    path(f"{C}<int:pk>/cancel/", combined.cancel, name="combined-arrangement-cancel"),
    path("customer-matches/", debts.matches, name="customer-matches"),
    path("customer-matches/<int:match_id>/", debts.match_decision, name="customer-match"),
]
