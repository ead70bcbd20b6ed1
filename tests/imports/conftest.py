"""Helpers for import tests: write small files and import them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rentbook.imports.services import import_file

TENANCY_HEADER = [
    "tenancy_ref",
    "person_no",
    "area_code",
    "area_name",
    "patch_code",
    "patch_name",
    "property_ref",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "property_type",
    "bedrooms",
    "tenure",
    "start_date",
    "end_date",
    "payment_method",
    "benefit",
    "title",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "mobile",
    "email",
    "preferred_language",
    "communication_needs",
    "support_needs",
    "next_of_kin_consent",
    "next_of_kin_name",
    "next_of_kin_relationship",
    "next_of_kin_phone",
]

TX_HEADER = [
    "transaction_ref",
    "tenancy_ref",
    "posted_on",
    "kind",
    "amount",
    "method",
    "charge_code",
    "period_start",
    "period_end",
    "reverses",
    "description",
]


def tenant_row(ref: str = "T1", person_no: int = 1, **changes: str) -> dict[str, str]:
    row = {
        "tenancy_ref": ref,
        "person_no": str(person_no),
        "area_code": "N",
        "area_name": "North",
        "patch_code": "N1",
        "patch_name": "North one",
        "property_ref": f"P-{ref}",
        "address_line_1": f"1 {ref} Street",
        "address_line_2": "",
        "town": "Leeds",
        "postcode": "ls1 4ap",
        "property_type": "flat",
        "bedrooms": "2",
        "tenure": "secure",
        "start_date": "2020-04-06",
        "end_date": "",
        "payment_method": "direct_debit",
        "benefit": "none",
        "title": "Ms",
        "first_name": f"Ann{person_no}",
        "last_name": "Smith",
        "date_of_birth": "01/02/1980",
        "phone": "",
        "mobile": "07700 900123",
        "email": "ann@example.org",
        "preferred_language": "",
        "communication_needs": "",
        "support_needs": "",
        "next_of_kin_consent": "yes",
        "next_of_kin_name": "Bob Smith",
        "next_of_kin_relationship": "brother",
        "next_of_kin_phone": "0113 496 0000",
    }
    row.update(changes)
    return row


def tx_row(ref: str, tenancy: str = "T1", kind: str = "charge", amount: str = "100.00", **more):
    row = dict.fromkeys(TX_HEADER, "")
    row.update(
        transaction_ref=ref, tenancy_ref=tenancy, posted_on="2024-04-01", kind=kind, amount=amount
    )
    if kind in ("payment", "refund"):
        row["method"] = "card"
    row.update(more)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path):
    class Files:
        def csv(self, name: str, rows, header=None) -> Path:
            return write_csv(tmp_path / name, rows, header)

        def raw(self, name: str, data: bytes) -> Path:
            p = tmp_path / name
            p.write_bytes(data)
            return p

    return Files()


@pytest.fixture
def tenancies(db, files):
    """Two tenancies, T1 (joint) and T2, imported."""
    rows = [tenant_row("T1", 1), tenant_row("T1", 2), tenant_row("T2", 1)]
    result = import_file("tenancies", files.csv("tenancies.csv", rows))
    assert result.ok, result.problems
    return result
