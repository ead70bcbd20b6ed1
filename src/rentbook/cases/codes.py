"""The action codes an officer (or the run) records in the diary, and what each one means.

Policies test these codes (``last_action_code in letter_one``), the arrears run turns some of
them into legal facts (a served notice, a court application), and the "Record an action" form
offers them. A landlord's imported history may carry other codes: they are kept as recorded and
count as communications, but have no meaning beyond that.
"""

from __future__ import annotations

from dataclasses import dataclass

from rentbook.cases.models import Category


@dataclass(frozen=True)
class ActionCode:
    code: str
    label: str
    category: str
    # For a notice: the notice type the run reports as ``notice_type``.
    notice_type: str | None = None
    # Whether recording it needs a promised amount and date.
    promise: bool = False


def _a(code: str, label: str, category: Category, **kw: object) -> ActionCode:
    return ActionCode(code, label, category.value, **kw)  # type: ignore[arg-type]


C = Category
ACTION_CODES: tuple[ActionCode, ...] = (
    # contact
    _a("CALL", "Phone call: spoke to the tenant", C.CONTACT),
    _a("CALLNA", "Phone call: no answer, message left", C.CONTACT),
    _a("SMS", "Text message sent", C.CONTACT),
    _a("GMS", "Text message sent (first arrears text)", C.CONTACT),
    _a("EMAIL", "Email sent", C.CONTACT),
    _a("INT", "Office interview with the tenant", C.CONTACT),
    _a("OLC", "Change of circumstances told us online by the tenant", C.CONTACT),
    # letters
    _a("IC1", "Letter one (first arrears letter)", C.LETTER),
    _a("IC2", "Letter two (second arrears letter)", C.LETTER),
    _a("IC4", "Court warning letter", C.LETTER),
    _a("PAP", "Pre-action letter: arrears, statement, help and advice", C.LETTER),
    _a("STMT", "Rent statement sent", C.LETTER),
    _a("BLI", "Informal agreement breach letter", C.LETTER),
    _a("CBL", "Court agreement breach letter", C.LETTER),
    _a("HRG", "Letter with the hearing date, order sought and arrears", C.LETTER),
    # visits
    _a("VIS", "Home visit: tenant seen", C.VISIT),
    _a("VISNA", "Home visit: no answer, card left", C.VISIT),
    _a("CBV", "Visit about the broken court agreement", C.VISIT),
    # arrangements and promises
    _a("PTP", "Promise to pay", C.ARRANGEMENT, promise=True),
    _a("ARR", "Repayment arrangement agreed", C.ARRANGEMENT),
    _a("ARRN", "Broken arrangement renegotiated", C.ARRANGEMENT),
    _a("ARO", "Repayment arrangement offered: not agreed", C.ARRANGEMENT),
    _a("OLP", "Arrangement proposed by the tenant online", C.ARRANGEMENT),
    # help with money and benefits
    _a("MAR", "Referred to money or debt advice", C.BENEFIT),
    _a("BEN", "Helped with a Housing Benefit or Universal Credit claim", C.BENEFIT),
    _a("BCK", "Benefit entitlement checked (HB, UC, DHP)", C.BENEFIT),
    _a("DHP", "Discretionary Housing Payment applied for", C.BENEFIT),
    _a("APA", "Managed payment (APA) or deductions requested from DWP", C.BENEFIT),
    _a("SWK", "Referred to social work or support services", C.BENEFIT),
    # notices
    _a("NOSP", "Notice of seeking possession served", C.NOTICE, notice_type="nosp"),
    _a("S8", "Section 8 notice served", C.NOTICE, notice_type="section8"),
    _a("NOP", "Notice of proceedings served (Scotland)", C.NOTICE, notice_type="nop"),
    _a("NPL", "Named on the weekly notice list to housing and social work", C.NOTICE),
    _a("NLV", "Visit when the notice of proceedings went live", C.VISIT),
    # court and enforcement
    _a("CRT", "Court proceedings raised", C.COURT),
    _a("S11", "Local authority told proceedings were raised (s11 notice)", C.COURT),
    _a("WPA", "Warrant for possession applied for", C.ENFORCEMENT),
    # former tenant arrears (recovery)
    _a("FTL", "Former tenant arrears letter sent", C.RECOVERY),
    _a("FTR", "Former tenant arrears reminder sent (no reply)", C.RECOVERY),
    _a("TRC", "Tracing started for a former tenant", C.RECOVERY),
    _a("AGR", "Referred to a debt recovery agency", C.RECOVERY),
    _a("MJA", "Small claim for a money judgement made", C.RECOVERY),
    # Direct Debit notices the payer is owed by the Guarantee: information, not an arrears
    # action, so they never move a letter sequence on or count as contact after a return
    _a("DDN", "Direct Debit advance notice sent", C.NONE),
    _a("DDR", "Direct Debit re-presentation notice sent", C.NONE),
    # review: a person's check, not a communication (it is never the run's last action)
    _a("CHK", "Account data checked", C.REVIEW),
    _a(
        "VRV",
        "Vulnerable tenant's case reviewed by a person: the notice or court step may go ahead",
        C.REVIEW,
    ),
)

BY_CODE: dict[str, ActionCode] = {a.code: a for a in ACTION_CODES}

#: Codes that record a person's review of the case, not a communication with the tenant.
REVIEW_CODES: frozenset[str] = frozenset(a.code for a in ACTION_CODES if a.category == C.REVIEW)

#: Codes that serve a notice, and the notice type each one is.
NOTICE_TYPES: dict[str, str] = {a.code: a.notice_type for a in ACTION_CODES if a.notice_type}


def category_of(code: str) -> str:
    """The category of a code; unknown codes (a landlord's own) count as contact."""
    known = BY_CODE.get(code)
    return known.category if known else Category.CONTACT.value
