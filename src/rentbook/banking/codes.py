"""The Bacs reason codes of ARUDD (unpaid Direct Debits) and ADDACS (instruction amendments
and cancellations), each with what rentbook does about it, as data (docs/banking.md; the
codes' meanings are Bacs's, as DOMAIN.md lists them)."""

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
