"""Bacs reports in the XML layout Bacs payment services deliver (the "new Bacs" advices,
``BACSDocument``), read into the rows of the door's kinds (banking/import_kinds.py). Each row
keeps the line of its element in the file, so a rejected item is named as a CSV row would be.

Read with defusedxml: a report is a file from outside, and entity expansion or an external
entity in it is refused rather than followed. A file that is not well-formed, or holds no
report of the kind, is a file error: nothing of it loads. docs/imports.md lists every field.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

import polars as pl
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from rentbook.imports.reading import LINE, FileError, Table

MAX_BYTES = 200 * 1024 * 1024


def _parse(path: Path) -> tuple[Element, str]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FileError(f"the file is {size:,} bytes; a Bacs report is at most {MAX_BYTES:,}")
        raw = path.read_bytes()
    except OSError as e:
        raise FileError(f"cannot read the file: {e.strerror or e}") from None
    if not raw.strip():
        raise FileError("the file is empty")
    try:
        root = ElementTree.fromstring(raw)
    except DefusedXmlException as e:
        raise FileError(
            f"the file is refused: {type(e).__name__} (entities are not allowed)"
        ) from None
    except ElementTree.ParseError as e:
        raise FileError(f"the file is not well-formed XML: {e}") from None
    return root, raw.decode("utf-8", errors="replace")


def _lines(text: str, tag: str, count: int) -> list[int]:
    """The line of each of the first ``count`` ``<tag`` elements, in document order."""
    starts = [m.start() for m in re.finditer(rf"<(?:\w+:)?{tag}\b", text)][:count]
    return [text.count("\n", 0, s) + 1 for s in starts] + [0] * (count - len(starts))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _all(root: Element, tag: str) -> list[Element]:
    return [e for e in root.iter() if _local(e.tag) == tag]


def _first(root: Element, tag: str) -> Element | None:
    found = _all(root, tag)
    return found[0] if found else None


def _table(rows: list[dict[str, str | None]], columns: list[str], lines: list[int]) -> Table:
    frame = pl.DataFrame(
        {LINE: pl.Series(lines, dtype=pl.Int64), **{c: [r.get(c) for r in rows] for c in columns}},
        schema={LINE: pl.Int64, **{c: pl.String for c in columns}},
    )
    return Table(columns, iter([frame]), columns)


ARUDD_COLUMNS = [
    "return_ref",
    "dd_reference",
    "transaction_code",
    "reason_code",
    "amount",
    "original_processing_on",
    "reported_on",
    "payer_name",
    "payer_sort_code",
    "payer_account_number",
]


def read_arudd(path: Path) -> Table:
    """An ARUDD report: one row per ``ReturnedDebitItem``."""
    root, text = _parse(path)
    if _first(root, "ARUDD") is None:
        raise FileError("the file is not an ARUDD report (no ARUDD element)")
    header = _first(root, "Header")
    reported = header.get("currentProcessingDate") if header is not None else None
    items = _all(root, "ReturnedDebitItem")
    if not items:
        raise FileError("the ARUDD report lists no returned debits")
    rows = []
    for item in items:
        payer = _first(item, "PayerAccount")
        p = payer.attrib if payer is not None else {}
        ref = item.get("ref") or p.get("ref")
        original = item.get("originalProcessingDate")
        rows.append(
            {
                # one collection comes back once: its reference, day and code name it
                "return_ref": f"{ref}/{original}/{item.get('transCode')}",
                "dd_reference": (ref or "").strip().upper() or None,
                "transaction_code": item.get("transCode"),
                "reason_code": item.get("returnCode"),
                "amount": item.get("valueOf"),  # pounds, as the door reads money
                "original_processing_on": original,
                "reported_on": reported,
                "payer_name": p.get("name"),
                "payer_sort_code": p.get("sortCode"),
                "payer_account_number": p.get("number"),
            }
        )
    return _table(rows, ARUDD_COLUMNS, _lines(text, "ReturnedDebitItem", len(items)))


ADDACS_COLUMNS = [
    "change_ref",
    "dd_reference",
    "reason_code",
    "effective_on",
    "reported_on",
    "payer_name",
    "payer_sort_code",
    "payer_account_number",
    "new_payer_name",
    "new_sort_code",
    "new_account_number",
]


def _advices(path: Path, kind: str) -> tuple[list[Element], Element | None, str]:
    """The ``MessagingAdvice`` elements of an AUDDIS or ADDACS report. Both come in the same
    ``MessagingAdvices`` shape, told apart by the header's ``advice-type``: a report of the
    other kind is refused, so a rejection is never read as a cancellation or the reverse."""
    root, text = _parse(path)
    advices = _all(root, "MessagingAdvice")
    header = _first(root, "MessagingHeader")
    if header is None and not advices:
        raise FileError(f"the file is not an {kind} report (no MessagingAdvices element)")
    said = (header.get("advice-type") or "").strip().upper() if header is not None else ""
    if said and said != kind:
        raise FileError(f"the file is an {said} report, not an {kind} one")
    if not advices:
        raise FileError(f"the {kind} report lists no advices")
    return advices, header, text


def read_addacs(path: Path) -> Table:
    """An ADDACS report: one row per ``MessagingAdvice``."""
    advices, header, text = _advices(path, "ADDACS")
    reported = header.get("report-generation-date") if header is not None else None
    rows = []
    for a in advices:
        ref = (a.get("reference") or "").strip().upper()
        rows.append(
            {
                "change_ref": f"{ref}/{a.get('reason-code')}/{a.get('effective-date')}",
                "dd_reference": ref or None,
                "reason_code": a.get("reason-code"),
                "effective_on": a.get("effective-date"),
                "reported_on": reported or a.get("effective-date"),
                "payer_name": a.get("payer-name"),
                "payer_sort_code": a.get("payer-sort-code"),
                "payer_account_number": a.get("payer-account-number"),
                "new_payer_name": a.get("payer-new-name") or None,
                "new_sort_code": a.get("payer-new-sort-code") or None,
                "new_account_number": a.get("payer-new-account-number") or None,
            }
        )
    return _table(rows, ADDACS_COLUMNS, _lines(text, "MessagingAdvice", len(advices)))


AUDDIS_COLUMNS = [
    "rejection_ref",
    "dd_reference",
    "transaction_code",
    "reason_code",
    "effective_on",
    "reported_on",
    "payer_name",
    "payer_sort_code",
    "payer_account_number",
]


def read_auddis(path: Path) -> Table:
    """An AUDDIS report of rejected instructions: one row per ``MessagingAdvice``."""
    advices, header, text = _advices(path, "AUDDIS")
    reported = header.get("report-generation-date") if header is not None else None
    rows = []
    for a in advices:
        ref = (a.get("reference") or "").strip().upper()
        code = (a.get("transaction-code") or "").strip().upper()
        rows.append(
            {
                "rejection_ref": f"{ref}/{code}/{a.get('reason-code')}/{a.get('effective-date')}",
                "dd_reference": ref or None,
                "transaction_code": code or None,
                "reason_code": a.get("reason-code"),
                "effective_on": a.get("effective-date"),
                "reported_on": reported or a.get("effective-date"),
                "payer_name": a.get("payer-name"),
                "payer_sort_code": a.get("payer-sort-code"),
                "payer_account_number": a.get("payer-account-number"),
            }
        )
    return _table(rows, AUDDIS_COLUMNS, _lines(text, "MessagingAdvice", len(advices)))


DDICA_COLUMNS = [
    "claim_item_ref",
    "claim_ref",
    "dd_reference",
    "reason_code",
    "amount",
    "collected_on",
    "reported_on",
    "payer_name",
    "payer_sort_code",
    "payer_account_number",
]


def _attr(e: Element, name: str) -> str | None:
    """An attribute by name, whatever its case or hyphens (``SUReference``, ``su-reference``)."""
    want = name.replace("-", "").lower()
    for k, v in e.attrib.items():
        if _local(k).replace("-", "").lower() == want:
            return v
    return None


def read_ddica(path: Path) -> Table:
    """A DDICA report: one row per Direct Debit claimed, each ``DDCollection`` of a
    ``DDICAdvice`` (one claim may cover several collections; each is reversed on its own)."""
    root, text = _parse(path)
    advices = _all(root, "DDICAdvice")
    if not advices:
        if _first(root, "DDICReport") is None:
            raise FileError("the file is not a DDICA report (no DDICReport element)")
        raise FileError("the DDICA report lists no claims")
    header = _first(root, "Header")
    reported = _attr(header, "currentProcessingDate") if header is not None else None
    rows, lines = [], []
    advice_lines = _lines(text, "DDICAdvice", len(advices))
    for advice, line in zip(advices, advice_lines, strict=True):
        claim = (_attr(advice, "DDICReference") or "").strip()
        ref = (_attr(advice, "SUReference") or "").strip().upper()
        collections = _all(advice, "DDCollection")
        # a claim without its collections listed reclaims its total, taken on one day
        items = [(_attr(c, "DateOfDirectDebit"), _attr(c, "Amount")) for c in collections] or [
            (_attr(advice, "DateOfDirectDebit"), _attr(advice, "TotalAmount"))
        ]
        for day, amount in items:
            rows.append(
                {
                    "claim_item_ref": f"{claim}/{day}",
                    "claim_ref": claim or None,
                    "dd_reference": ref or None,
                    "reason_code": _attr(advice, "ReasonCode"),
                    "amount": amount,
                    "collected_on": day,
                    "reported_on": reported or _attr(advice, "DDICSubmissionDate"),
                    "payer_name": _attr(advice, "PayerName"),
                    "payer_sort_code": _attr(advice, "PayerSortCode"),
                    "payer_account_number": _attr(advice, "PayerAccountNumber"),
                }
            )
            lines.append(line)
    return _table(rows, DDICA_COLUMNS, lines)
