"""Errors shared by the apps' services."""

from __future__ import annotations


class FieldErrors(ValueError):
    """What was wrong with what was asked, as {field: message} in the order found, so a page
    can show each message beside its field and a command can print them all."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))
