"""The limits every file field keeps: a size, and the kinds of file it takes (by name and by
content: a CSV is text, an Excel file a zip)."""

from __future__ import annotations

from typing import Any

MAX_UPLOAD = 5 * 1024 * 1024  # 5 MB: a plan, an agency's outcomes, a year of custom values
CSV = (".csv",)
CSV_OR_EXCEL = (".csv", ".xlsx")


def upload_problem(upload: Any, kinds: tuple[str, ...], what: str) -> str | None:
    """Why ``upload`` cannot be taken (a message naming what was wanted), or None."""
    if upload is None:
        return f"Choose {what}"
    name = (upload.name or "").lower()
    listing = " or ".join(k.lstrip(".").upper() for k in kinds)
    if not name.endswith(kinds):
        return f"The file must be a {listing} file"
    if upload.size is not None and upload.size > MAX_UPLOAD:
        return "The file must be smaller than 5 MB"
    head = upload.read(4)
    upload.seek(0)
    if name.endswith(".xlsx") and head != b"PK\x03\x04":
        return "The file is not an Excel (.xlsx) file"
    if name.endswith(".csv") and b"\x00" in head:
        return f"The file is not a {listing} file"
    return None
