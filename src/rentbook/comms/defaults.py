# ruff: noqa: E501  (the letters' words, one paragraph a line)
"""The default templates rentbook ships: one per policy action that sends a letter or text.

Seeded by migration comms 0002 (and by `rentbook seed_templates` after a reset); an
administrator edits them as new versions.
"""

from __future__ import annotations

_HELP = (
    "If you are struggling to pay, please talk to us: we can agree an affordable plan, check"
    " you are getting the Housing Benefit or Universal Credit you are entitled to, and refer"
    " you to free, independent money advice."
)
_PAY = "You can pay ((payment_options)). Please quote your rent account reference ((reference))."
_CONTACT = (
    "Call us on ((office_phone)) or email ((office_email)).\n\n((officer_name))\n((landlord_name))"
)

DEFAULTS: list[dict[str, object]] = [
    {
        "code": "IC1",
        "channel": "letter",
        "name": "Letter one: first arrears letter",
        "subject": "Your rent account is in arrears",
        "body": f"Dear ((tenant_names))\n\nYour rent account ((reference)) is in arrears by ((balance)). Your weekly rent and charges are ((weekly_charge)).\n\nPlease pay the arrears, or contact us within 7 days to agree how you will pay them.\n\n{_PAY}\n\n{_HELP}\n\n{_CONTACT}",
        "attach_statement": True,
    },
    {
        "code": "IC2",
        "channel": "letter",
        "name": "Letter two: second arrears letter",
        "subject": "Reminder: your rent is still overdue",
        "body": f"Dear ((tenant_names))\n\nWe wrote to you about the arrears on your rent account ((reference)). You still owe ((balance)).\n\nPlease pay or contact us within 7 days. If you do not, we may take further action to recover the arrears, which could put your home at risk.\n\n{_PAY}\n\n{_HELP}\n\n{_CONTACT}",
        "red_reminder": True,
        "attach_statement": True,
    },
    {
        "code": "IC4",
        "channel": "letter",
        "name": "Court warning letter",
        "subject": "We may apply to the court for possession of your home",
        "body": f"Dear ((tenant_names))\n\nA notice of seeking possession was served on ((notice_date)). Your rent account ((reference)) is still in arrears by ((balance)).\n\nUnless you pay or agree a plan with us within 7 days, we may apply to the county court for possession of your home.\n\n{_PAY}\n\n{_HELP}\n\n{_CONTACT}",
        "attach_statement": True,
    },
    {
        "code": "PAP",
        "channel": "letter",
        "name": "Pre-action letter",
        "subject": "Your rent arrears: help, advice and what happens next",
        "body": f"Dear ((tenant_names))\n\nYour rent account ((reference)) is in arrears by ((balance)); a statement of the last 13 weeks is enclosed. Your weekly rent and charges are ((weekly_charge)).\n\n# Help and advice\n\n{_HELP}\n\n# What happens next\n\nIf we cannot agree a way to clear the arrears within 14 days, we may serve a notice of seeking possession.\n\n{_PAY}\n\n{_CONTACT}",
        "attach_statement": True,
    },
    {
        "code": "BLI",
        "channel": "letter",
        "name": "Informal agreement breach letter",
        "subject": "You have not kept to our agreement",
        "body": f"Dear ((tenant_names))\n\nYou agreed to pay ((arrangement_terms)), but the payments have not been made. Your rent account ((reference)) is in arrears by ((balance)).\n\nPlease contact us within 7 days to put the agreement right.\n\n{_PAY}\n\n{_CONTACT}",
    },
    {
        "code": "CBL",
        "channel": "letter",
        "name": "Court agreement breach letter",
        "subject": "You have not kept to the court order",
        "body": f"Dear ((tenant_names))\n\nThe court ordered payments towards your arrears, and they have not been made. Your rent account ((reference)) is in arrears by ((balance)).\n\nIf the payments are not brought up to date within 7 days, we may apply for a warrant for possession.\n\n{_PAY}\n\n{_HELP}\n\n{_CONTACT}",
        "attach_statement": True,
    },
    {
        "code": "HRG",
        "channel": "letter",
        "name": "Hearing letter",
        "subject": "Your court hearing",
        "body": f"Dear ((tenant_names))\n\nWe have applied to the court for possession of your home because of the arrears on your rent account ((reference)), now ((balance)). The court will tell you the date of the hearing; please go to it.\n\nYou can still agree a plan with us before the hearing.\n\n{_HELP}\n\n{_CONTACT}",
        "attach_statement": True,
    },
    {
        "code": "GMS",
        "channel": "sms",
        "name": "First arrears text",
        "subject": "",
        "body": "((landlord_name)): your rent account ((reference)) is ((balance)) in arrears. Please pay or call us on ((office_phone)) if you need help.",
    },
    {
        "code": "SMS",
        "channel": "sms",
        "name": "Arrears reminder text",
        "subject": "",
        "body": "((landlord_name)): your rent account ((reference)) is still ((balance)) in arrears. Please call ((office_phone)) today.",
    },
    {
        "code": "EMAIL",
        "channel": "email",
        "name": "Arrears email",
        "subject": "Your rent account ((reference))",
        "body": f"Dear ((tenant_names))\n\nYour rent account ((reference)) is in arrears by ((balance)).\n\n{_PAY}\n\n{_HELP}\n\n{_CONTACT}",
    },
]


DEFAULTS += [
    {
        "code": "FTL",
        "channel": "letter",
        "name": "Former tenant arrears: first letter",
        "subject": "Money owed on your former tenancy",
        "body": f"Dear ((tenant_names))\n\nYour tenancy has ended and ((balance)) is still owed on your former rent account ((reference)).\n\nPlease pay this amount, or contact us within 14 days to agree how you will pay it. If you do not, we may pass the debt to a debt recovery agency or ask the court for a money judgement.\n\n{_PAY}\n\n{_HELP}\n\n{_CONTACT}",
        "attach_statement": True,
    },
    {
        "code": "FTR",
        "channel": "letter",
        "name": "Former tenant arrears: reminder",
        "subject": "Reminder: money owed on your former tenancy",
        "body": f"Dear ((tenant_names))\n\nWe wrote to you about the ((balance)) owed on your former rent account ((reference)) and have not heard from you.\n\nPlease pay or contact us within 7 days. If you do not, we may pass the debt to a debt recovery agency or ask the court for a money judgement, which could add to what you owe.\n\n{_PAY}\n\n{_HELP}\n\n{_CONTACT}",
        "red_reminder": True,
    },
]

DEFAULTS += [
    {
        "code": "DDN",
        "channel": "letter",
        "name": "Direct Debit advance notice",
        "subject": "Your Direct Debit for rent account ((reference))",
        "body": "Dear ((tenant_names))\n\nThank you for paying your rent by Direct Debit. This is your advance notice of the payments we will collect.\n\nWe will collect ((dd_amount)) ((dd_frequency)), starting on ((dd_first_collection)). The payments will show on your bank statement with the reference ((dd_reference)). Our service user number is ((service_user_number)).\n\nIf the amount or the dates change, we will tell you at least 10 working days before. You are covered by the Direct Debit Guarantee: if an error is made in the payment of your Direct Debit, you are entitled to a full and immediate refund from your bank. You can cancel a Direct Debit at any time by contacting your bank; please tell us too.\n\n"
        + _CONTACT,
    },
    {
        "code": "DDR",
        "channel": "letter",
        "name": "Direct Debit re-presentation notice",
        "subject": "Your Direct Debit was not paid: we will collect it again",
        "body": "Dear ((tenant_names))\n\nYour bank did not pay the Direct Debit for your rent account ((reference)). We will collect ((dd_represent_amount)) again on ((dd_represent_on)), with the reference ((dd_reference)).\n\nPlease make sure the money is in your account on that day. If you cannot pay it, please call us before then so that we can agree what to do.\n\n"
        + f"{_HELP}\n\n{_CONTACT}",
    },
]


def seed(template_model) -> int:  # type: ignore[no-untyped-def]
    """Create each default that has no version yet; returns how many were created."""
    made = 0
    for d in DEFAULTS:
        key = {"code": d["code"], "channel": d["channel"], "language": "English"}
        if not template_model.objects.filter(**key).exists():
            template_model.objects.create(**d, language="English", version=1, is_current=True)
            made += 1
    return made
