"""Small helpers the tenants' forms share: errors by field for the GOV.UK error summary, and
reading money and whole numbers with a message that names the field."""

from __future__ import annotations

from rentbook.money import MoneyError, parse_pounds
from rentbook.web.views.cases import FormErrors

__all__ = ["FormErrors", "read_int", "read_money"]


def read_money(
    errors: FormErrors, field: str, text: str, label: str, *, required: bool = False
) -> int | None:
    text = (text or "").strip()
    if not text:
        if required:
            errors.add(field, f"Enter {label.lower()}")
        return None
    try:
        value = parse_pounds(text)
    except MoneyError:
        errors.add(field, f"{label} must be an amount of money, like 25.50")
        return None
    if value < 0:
        errors.add(field, f"{label} cannot be less than £0")
        return None
    return value


def read_int(errors: FormErrors, field: str, text: str, label: str, low: int, high: int) -> int:
    text = (text or "").strip()
    if not text.isdigit() or not low <= int(text) <= high:
        errors.add(field, f"{label} must be a whole number from {low} to {high}")
        return low
    return int(text)
