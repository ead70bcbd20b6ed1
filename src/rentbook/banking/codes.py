"""The Bacs reason codes of ARUDD (unpaid Direct Debits), ADDACS (instruction amendments and
cancellations), AUDDIS (instructions rejected) and DDICA (indemnity claims), each with what
rentbook does about it, as data (docs/banking.md; the codes' meanings are Bacs's, as DOMAIN.md
lists them for ARUDD and ADDACS)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mandated(StrEnum):
    """What happens to the mandate."""

    KEEP = "keep"  # still live: collect again as scheduled
    SUSPEND = "suspend"  # hold collections until a person or the bank resolves it
    CANCEL = "cancel"  # no further collections; a new instruction is needed
    UPDATE = "update"  # new bank details, the instruction carries on
    REINSTATE = "reinstate"  # live again


@dataclass(frozen=True)
class Reason:
    code: str
    meaning: str
    mandate: Mandated
    #: ARUDD: may the same collection be presented once more (transaction code 18)?
    represent: bool = False
    #: Start the deceased tenant route (a person confirms and records the flag).
    deceased: bool = False
    #: ADDACS: lodge a new instruction (0N) to the new account; never a 0C first.
    new_instruction: bool = False
    #: The worktray's words for the officer.
    action: str = ""


ARUDD: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("0", "refer to payer", Mandated.KEEP, represent=True,
               action="Call the tenant today: the bank would not pay; it may be presented again"),
        Reason("1", "instruction cancelled", Mandated.CANCEL,
               action="Call the tenant today: they cancelled the Direct Debit"),
        Reason("2", "payer deceased", Mandated.CANCEL, deceased=True,
               action="The bank says the payer has died: confirm and start the deceased route"),
        Reason("3", "account transferred", Mandated.SUSPEND,
               action="The payer's account moved: wait for the bank's new details (ADDACS 3)"),
        Reason("4", "advance notice disputed", Mandated.SUSPEND,
               action="The tenant disputes the advance notice: call them and agree the amount"),
        Reason("5", "no account", Mandated.CANCEL,
               action="Call the tenant today: the account does not exist; take new details"),
        Reason("6", "no instruction", Mandated.CANCEL,
               action="Call the tenant today: their bank holds no instruction; sign up again"),
        Reason("7", "amount differs", Mandated.SUSPEND,
               action="The amount differed from the advance notice: send a new notice"),
        Reason("8", "amount not yet due", Mandated.SUSPEND,
               action="Collected before its due date: check the schedule and the notice"),
        Reason("9", "presentation overdue", Mandated.SUSPEND,
               action="Presented too late: send a new advance notice before collecting"),
        Reason("A", "service user differs", Mandated.CANCEL,
               action="The instruction is for another service user: sign the tenant up again"),
        Reason("B", "account closed", Mandated.CANCEL,
               action="Call the tenant today: their account is closed; take new details"),
    )
}  # fmt: skip

ADDACS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("0", "instruction cancelled by the bank: refer to payer", Mandated.CANCEL,
               action="The bank cancelled the Direct Debit: call the tenant"),
        Reason("1", "instruction cancelled by the payer", Mandated.CANCEL,
               action="The tenant cancelled the Direct Debit: call them about paying"),
        Reason("2", "payer deceased", Mandated.CANCEL, deceased=True,
               action="The bank says the payer has died: confirm and start the deceased route"),
        Reason("3", "instruction transferred to a new bank", Mandated.UPDATE,
               new_instruction=True),
        Reason("B", "account closed", Mandated.CANCEL,
               action="The tenant's account is closed: call them for new details"),
        Reason("C", "account moved to a new branch", Mandated.UPDATE),
        Reason("D", "advance notice disputed", Mandated.SUSPEND,
               action="The tenant disputes the advance notice: call them"),
        Reason("E", "instruction amended", Mandated.UPDATE),
        Reason("R", "instruction reinstated", Mandated.REINSTATE),
    )
}  # fmt: skip

#: AUDDIS rejections: the payer's bank would not set up (0N), convert (0S) or cancel (0C) an
#: instruction rentbook lodged. Codes and meanings as Bacs publishes them for AUDDIS reports.
#: What the income team can mend (a missing name, a reference Bacs already holds) suspends the
#: mandate for a person to correct; the rest end it: the tenant must give new details.
AUDDIS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("1", "instruction cancelled by the payer", Mandated.CANCEL,
               action="The tenant cancelled the Direct Debit before it started: call them"),
        Reason("2", "payer deceased", Mandated.CANCEL, deceased=True,
               action="The bank says the payer has died: confirm and start the deceased route"),
        Reason("3", "account transferred", Mandated.SUSPEND,
               action="The payer's account moved: wait for the bank's new details (ADDACS 3)"),
        Reason("5", "no account", Mandated.CANCEL,
               action="The account does not exist: take new bank details from the tenant"),
        Reason("6", "no instruction", Mandated.CANCEL,
               action="The bank holds no instruction to cancel or convert: check the mandate"),
        Reason("B", "account closed", Mandated.CANCEL,
               action="The tenant's account is closed: take new bank details"),
        Reason("C", "account transferred to another bank", Mandated.CANCEL,
               action="The account moved to another bank: take the new details and sign up again"),
        Reason("F", "invalid account type", Mandated.CANCEL,
               action="The account cannot take Direct Debits: ask the tenant for another"),
        Reason("G", "bank will not accept Direct Debits on the account", Mandated.CANCEL,
               action="The account cannot take Direct Debits: ask the tenant for another"),
        Reason("H", "instruction expired", Mandated.CANCEL,
               action="The instruction expired unused: sign the tenant up again"),
        Reason("I", "payer reference not unique", Mandated.SUSPEND,
               action="Bacs already holds this reference: give the mandate a new one and re-lodge"),
        Reason("K", "instruction cancelled by the paying bank", Mandated.CANCEL,
               action="The bank cancelled the instruction: call the tenant"),
        Reason("L", "incorrect payer account details", Mandated.SUSPEND,
               action="The bank details are wrong: check them with the tenant and re-lodge"),
        Reason("M", "transaction code or user status incompatible", Mandated.SUSPEND,
               action="The instruction was lodged with the wrong code: correct it and re-lodge"),
        Reason("N", "transaction disallowed at the payer's branch", Mandated.CANCEL,
               action="The branch does not take Direct Debits: ask the tenant for another account"),
        Reason("O", "invalid reference", Mandated.SUSPEND,
               action="Bacs refused the reference: give the mandate a valid one and re-lodge"),
        Reason("P", "payer's name not present", Mandated.SUSPEND,
               action="The payer's name was missing: add it and re-lodge"),
        Reason("Q", "service user's name blank", Mandated.SUSPEND,
               action="Our own name was missing from the file: check RENTBOOK_BACS_NAME, re-lodge"),
    )
}  # fmt: skip

#: DDICA: the payer claimed a collection back from their bank under the Direct Debit
#: Guarantee, and the bank reclaims it from the landlord. The money is not collected (the
#: claim reverses it on the ledger); the mandate carries on only where the instruction itself
#: stands (codes 1 and 2). Codes as restated from the Bacs DDICA service in Access PaySuite's
#: "What is an indemnity claim" (help-accesspaysuiteddcms.theaccessgroup.com).
DDICA: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("1", "amount or date differed from the advance notice", Mandated.KEEP,
               action="The tenant reclaimed a Direct Debit (not as notified): call them today"),
        Reason("2", "no advance notice received, or its amount disputed", Mandated.KEEP,
               action="The tenant reclaimed a Direct Debit (no notice): send notice, call them"),
        Reason("3", "instruction cancelled by the paying bank", Mandated.CANCEL,
               action="The bank reclaimed a Direct Debit taken after cancelling: call the tenant"),
        Reason("4", "payer cancelled the instruction with the landlord", Mandated.CANCEL,
               action="A Direct Debit was taken after the tenant cancelled it: call them today"),
        Reason("5", "payer disputes having given authority", Mandated.CANCEL,
               action="The tenant says they never signed the Direct Debit: call them today"),
        Reason("6", "signature not the account holder's", Mandated.CANCEL,
               action="The bank says the instruction was not signed by the account holder"),
    )
}  # fmt: skip
