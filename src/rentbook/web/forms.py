"""Form helpers that speak the GOV.UK Design System's patterns and error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    # One message for both wrong usernames and wrong passwords: never reveal which it was.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Incorrect username or password",
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class SearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, strip=True)


@dataclass
class DateField:
    """A GOV.UK date input (day, month, year boxes) read from query parameters.

    Error messages follow the Design System's date input guidance: say which part is
    missing, or that the date must be real.
    """

    name: str
    label: str
    day: str = ""
    month: str = ""
    year: str = ""
    value: date | None = None
    error: str = ""
    error_parts: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        return f"{self.name}-day"

    @classmethod
    def read(cls, data: dict[str, str], name: str, label: str) -> DateField:
        f = cls(
            name=name,
            label=label,
            day=(data.get(f"{name}-day") or "").strip(),
            month=(data.get(f"{name}-month") or "").strip(),
            year=(data.get(f"{name}-year") or "").strip(),
        )
        f._validate()
        return f

    @classmethod
    def of(cls, name: str, label: str, value: date | None) -> DateField:
        if value is None:
            return cls(name=name, label=label)
        return cls(
            name=name,
            label=label,
            day=str(value.day),
            month=str(value.month),
            year=str(value.year),
            value=value,
        )

    @property
    def empty(self) -> bool:
        return not (self.day or self.month or self.year)

    def _validate(self) -> None:
        if self.empty:
            return
        parts = {"day": self.day, "month": self.month, "year": self.year}
        missing = [k for k, v in parts.items() if not v]
        if missing:
            self.error = f"{self.label} must include a {' and a '.join(missing)}"
            self.error_parts = set(missing)
            return
        if not all(v.isdigit() for v in parts.values()):
            self.error = f"{self.label} must be a real date"
            self.error_parts = {k for k, v in parts.items() if not v.isdigit()}
            return
        if len(self.year) != 4:
            self.error = "Year must include 4 numbers"
            self.error_parts = {"year"}
            return
        try:
            self.value = date(int(self.year), int(self.month), int(self.day))
        except ValueError:
            self.error = f"{self.label} must be a real date"
            self.error_parts = {"day", "month", "year"}
