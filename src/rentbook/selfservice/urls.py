"""Tenants' own pages, under /my-rent/: a sign-in and pages apart from staff's."""

from django.urls import path

from rentbook.selfservice.views import auth, money, pages, plan, tell

app_name = "selfservice"

urlpatterns = [
    path("", pages.home, name="home"),
    path("sign-in/", auth.sign_in, name="sign-in"),
    path("sign-in/send-code/", auth.send_code, name="send-code"),
    path("sign-in/code/", auth.enter_code, name="enter-code"),
    path("sign-out/", auth.sign_out, name="sign-out"),
    path("statement/", pages.statement_page, name="statement"),
    path("statement.csv", pages.statement_csv, name="statement-csv"),
    path("statement.pdf", pages.statement_pdf, name="statement-pdf"),
    path("letters/", pages.letters, name="letters"),
    path("letters/<int:message_id>/", pages.letter, name="letter"),
    path("pay/", money.pay_page, name="pay"),
    path("pay/return/<str:token>/", money.pay_return, name="pay-return"),
    path("pay/fake/<str:payment_id>/", money.fake_pay, name="fake-pay"),
    path("pay/webhook/", money.pay_webhook, name="pay-webhook"),
    path("direct-debit/", money.direct_debit_page, name="direct-debit"),
    path("direct-debit/check/", money.direct_debit_check, name="direct-debit-check"),
    path("direct-debit/done/", money.direct_debit_done, name="direct-debit-done"),
    path("payment-plan/", plan.budget, name="plan"),
    path("payment-plan/offer/", plan.offer, name="plan-offer"),
    path("payment-plan/sent/", plan.sent, name="plan-sent"),
    path("tell-us/", tell.tell_us, name="tell-us"),
    path("contact-details/", tell.contact, name="contact"),
    path("contact-details/confirm/", tell.contact_confirm, name="contact-confirm"),
]
