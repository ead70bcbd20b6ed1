"""Bank statements in ISO 20022 camt.053 (BankToCustomerStatement), the XML statement UK banks
deliver for a collection account, read into the rows of the ``bank_statement`` kind: the
same columns, matching and suspense as ``cash_payments`` (banking/channels.py).

One row per booked credit transaction: an entry's ``TxDtls`` each, or the entry itself when it
has none. Debit entries and entries not booked (pending, information only) are not read: they
are not money received. Versions 001.02 to 001.13 are read alike, by element name, whatever
the namespace. Read with defusedxml (banking/reports.py). docs/imports.md lists every field.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from rentbook.banking.reports import _all, _first, _lines, _local, _parse, _table
from rentbook.imports.reading import FileError, Table

COLUMNS = ["payment_ref", "reference", "amount", "paid_at", "channel", "outlet", "payer"]
#: ISO bank transaction sub-family codes and UK banks' own codes for a standing order.
STANDING_ORDER = {"STDO", "STO", "SO", "STANDING ORDER"}
#: The longest narrative kept (the door's payer field): the reference usually comes first.
NARRATIVE = 100


def _text(e: Element | None, *path: str) -> str:
    """The stripped text at ``path`` below ``e`` (each step the first such child), or ""."""
    for tag in path:
        if e is None:
            return ""
        e = next((c for c in e if _local(c.tag) == tag), None)
    return (e.text or "").strip() if e is not None else ""


def _status(entry: Element) -> str:
    sts = _first(entry, "Sts")
    if sts is None:
        return ""
    # 001.02 writes <Sts>BOOK</Sts>; from 001.08, <Sts><Cd>BOOK</Cd></Sts>
    return ((sts.text or "").strip() or _text(sts, "Cd")).upper()


def _amount(e: Element | None) -> tuple[str, str] | None:
    """(amount, currency) of an ``Amt`` element, if there is one."""
    if e is None:
        return None
    return (e.text or "").strip(), (e.get("Ccy") or "").upper()


def _tx_amount(tx: Element) -> tuple[str, str] | None:
    direct = next((c for c in tx if _local(c.tag) == "Amt"), None)
    if direct is not None:
        return _amount(direct)
    details = next((c for c in tx if _local(c.tag) == "AmtDtls"), None)
    if details is not None:
        return _amount(_first(details, "Amt"))
    return None


def _channel(entry: Element) -> str:
    code = _first(entry, "BkTxCd")
    if code is None:
        return "bank_transfer"
    words = {
        (e.text or "").strip().upper() for e in code.iter() if _local(e.tag) in ("Cd", "SubFmlyCd")
    }
    return "standing_order" if words & STANDING_ORDER else "bank_transfer"


def _payer(tx: Element | None) -> str:
    if tx is None:
        return ""
    debtor = _first(tx, "Dbtr")
    return _text(debtor, "Nm") or _text(debtor, "Pty", "Nm") if debtor is not None else ""


def _narrative(tx: Element | None, name: str) -> str:
    if tx is None:
        return name
    parts = [(u.text or "").strip() for u in _all(tx, "Ustrd")]
    e2e = _text(tx, "Refs", "EndToEndId")
    if e2e and e2e.upper() != "NOTPROVIDED":
        parts.append(e2e)
    parts.append(name)
    return " ".join(p for p in parts if p)[:NARRATIVE]


def read_camt053(path: Path) -> Table:
    root, text = _parse(path)
    statements = _all(root, "Stmt")
    if _first(root, "BkToCstmrStmt") is None or not statements:
        raise FileError("the file is not a camt.053 bank statement (no BkToCstmrStmt/Stmt)")
    entries = _all(root, "Ntry")
    entry_line = dict(zip(map(id, entries), _lines(text, "Ntry", len(entries)), strict=True))
    rows, lines = [], []
    for stmt in statements:
        stmt_id = _text(stmt, "Id") or _text(stmt, "ElctrncSeqNb")
        for n, entry in enumerate(e for e in stmt if _local(e.tag) == "Ntry"):
            credit = _text(entry, "CdtDbtInd").upper() == "CRDT"
            if not credit or _status(entry) != "BOOK":
                continue
            booked = _text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm")
            entry_ref = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
            txs: list[Element | None] = list(_all(entry, "TxDtls")) or [None]
            for k, tx in enumerate(txs):
                amount = (_tx_amount(tx) if tx is not None else None) or _amount(
                    next((c for c in entry if _local(c.tag) == "Amt"), None)
                )
                if amount is not None and amount[1] not in ("", "GBP"):
                    raise FileError(
                        f"line {entry_line[id(entry)]}: an entry in {amount[1]};"
                        " rentbook takes statements in pounds (GBP) only"
                    )
                if amount is not None and len(txs) > 1 and _tx_amount(tx) is None:
                    amount = None  # a batch's total is not any one payment's amount
                own = _text(tx, "Refs", "AcctSvcrRef") if tx is not None else ""
                ref = own or (f"{entry_ref}/{k + 1}" if entry_ref and len(txs) > 1 else entry_ref)
                name = _payer(tx)
                rows.append(
                    {
                        "payment_ref": "STMT/" + (ref or f"{stmt_id}/{n + 1}/{k + 1}"),
                        "reference": _text(tx, "RmtInf", "Strd", "CdtrRefInf", "Ref")
                        if tx is not None
                        else "",
                        "amount": amount[0] if amount else None,
                        "paid_at": booked[:19].replace("T", " ") if booked else None,
                        "channel": _channel(entry),
                        "outlet": "",
                        "payer": _narrative(tx, name) or _text(entry, "AddtlNtryInf")[:NARRATIVE],
                    }
                )
                lines.append(entry_line[id(entry)])
    if not rows:
        raise FileError("the statement has no booked credit entries (nothing received to post)")
    return _table(rows, COLUMNS, lines)
