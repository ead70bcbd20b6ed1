"""Bacs Standard 18 records: the 100-character detail and contra records of an input file,
with the six-character processing day of a multi-day file appended (106 characters).

Field positions (1-based, inclusive), as Bacs's Standard 18 specification lays out a
detail record (Bacs Payment Schemes Ltd, "Standard 18" in the Bacs Service User Guide; also
restated field by field in public implementations such as tracey-stobbs/ddcms-direct-file-
generator, documentation/FileFormats/Bacs18PaymentLines.md):

====  =====  ==========================================================================
from  to     field
====  =====  ==========================================================================
1     6      destination sorting code (the payer's bank, for a Direct Debit)
7     14     destination account number
15    15     destination account type: 0
16    17     transaction code: 01 17 18 19 (debits), 0N 0C 0S (AUDDIS), 99 (credit contra)
18    23     originating sorting code (the service user's account)
24    31     originating account number
32    35     free format: four spaces (no real-time information checksum)
36    46     amount in pence, right-justified, zero-filled (zeros for AUDDIS)
47    64     service user's name (a contra: its narrative)
65    82     service user's reference (the Direct Debit reference; a contra: "CONTRA")
83    100    destination account name (the payer; a contra: the service user's account)
101   106    processing day, " YYDDD" (a space, the year's last two digits, day of year)
====  =====  ==========================================================================

Text fields are upper case in Bacs's character set (banking/details.py), left-justified and
space-filled. A file's debits are balanced by one credit contra (code 99) per processing day
to the service user's own account for their total. The label records (VOL1, HDR1/2, UHL1,
EOF1/2, UTL1) are written by the Bacs-approved submission software (Bacstel-IP), which takes
these records as its "payment lines"; that software checks the totals against the contra.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rentbook.banking.details import bacs_text

DEBIT_CODES = ("01", "17", "18", "19")
AUDDIS_CODES = ("0N", "0C", "0S")
CREDIT_CONTRA = "99"
MAX_AMOUNT = 10**11 - 1  # eleven digits of pence


@dataclass(frozen=True)
class Originator:
    """The service user's own account and name, from settings (docs/banking.md)."""

    sun: str
    sort_code: str
    account_number: str
    name: str


@dataclass(frozen=True)
class Item:
    sort_code: str
    account_number: str
    code: str
    amount: int
    reference: str
    payer_name: str


class RecordError(ValueError):
    pass


def processing_day(d: date) -> str:
    """`` YYDDD``: Bacs's Julian form of a processing day."""
    return f" {d:%y}{d.timetuple().tm_yday:03d}"


def _text(value: str, width: int) -> str:
    return bacs_text(value, width).ljust(width)


def _digits(value: str, width: int, what: str) -> str:
    if not (value.isdigit() and len(value) == width):
        raise RecordError(f"{what} must be {width} digits, not {value!r}")
    return value


def record(
    *,
    sort_code: str,
    account_number: str,
    code: str,
    origin: Originator,
    amount: int,
    name: str,
    reference: str,
    account_name: str,
    on: date | None = None,
) -> str:
    """One record, 100 characters (106 with the processing day ``on``)."""
    if code not in (*DEBIT_CODES, *AUDDIS_CODES, CREDIT_CONTRA):
        raise RecordError(f"{code!r} is not a transaction code rentbook writes")
    if not 0 <= amount <= MAX_AMOUNT:
        raise RecordError(f"an amount of {amount}p does not fit eleven digits")
    if code in AUDDIS_CODES and amount:
        raise RecordError("an AUDDIS instruction carries no amount")
    line = (
        _digits(sort_code, 6, "a sort code")
        + _digits(account_number, 8, "an account number")
        + "0"
        + code
        + _digits(origin.sort_code, 6, "the originating sort code")
        + _digits(origin.account_number, 8, "the originating account number")
        + " " * 4
        + f"{amount:011d}"
        + _text(name, 18)
        + _text(reference, 18)
        + _text(account_name, 18)
    )
    assert len(line) == 100
    return line + (processing_day(on) if on is not None else "")


def debit(item: Item, origin: Originator, on: date | None = None) -> str:
    return record(
        sort_code=item.sort_code,
        account_number=item.account_number,
        code=item.code,
        origin=origin,
        amount=item.amount,
        name=origin.name,
        reference=item.reference,
        account_name=item.payer_name,
        on=on,
    )


def contra(total: int, origin: Originator, on: date | None = None) -> str:
    """The credit contra balancing a day's debits: to the service user's own account."""
    return record(
        sort_code=origin.sort_code,
        account_number=origin.account_number,
        code=CREDIT_CONTRA,
        origin=origin,
        amount=total,
        name="DD COLLECTIONS",
        reference="CONTRA",
        account_name=origin.name,
        on=on,
    )


def collection_lines(items: Iterable[Item], origin: Originator, on: date) -> list[str]:
    """A processing day's debits, then the contra for their total."""
    items = list(items)
    for i in items:
        if i.code not in DEBIT_CODES:
            raise RecordError(f"{i.code!r} is not a Direct Debit transaction code")
        if i.amount <= 0:
            raise RecordError(f"a collection from {i.reference} must be more than £0")
    lines = [debit(i, origin, on) for i in items]
    if lines:
        lines.append(contra(sum(i.amount for i in items), origin, on))
    return lines


def instruction_lines(items: Iterable[Item], origin: Originator, on: date) -> list[str]:
    """AUDDIS instructions: no amounts, so no contra."""
    out = []
    for i in items:
        if i.code not in AUDDIS_CODES:
            raise RecordError(f"{i.code!r} is not an AUDDIS transaction code")
        out.append(debit(i, origin, on))
    return out
