"""`rentbook indicators` prints money as people read it, and CSV or JSON for machines."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.management import call_command

from rentbook.performance import indicators as ind
from tests.performance.ledger import build

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", "--as-of", "2024-06-30", "--period", "quarter", *args, stdout=out)
    return out.getvalue()


def test_the_table_prints_money_in_pounds_and_percentages_with_their_sign():
    build()
    text = run()
    money = [i for i in ind.INDICATORS if i.unit == "£"]
    assert money
    for i in money:
        line = next(line for line in text.splitlines() if line.startswith(i.name))
        shown = line[len(i.name) :].strip()
        assert re.fullmatch(r"-?£[\d,]+\.\d\d|No data", shown), (i.code, shown)
    assert "406.25%" in text  # current arrears as % of the debit (tests/performance)
    assert "indicators for" in text.splitlines()[-1]


def test_csv_and_json_are_for_machines_in_pence():
    build()
    rows = list(csv.DictReader(io.StringIO(run("--format", "csv"))))
    assert {r["scope"] for r in rows} >= {"landlord"}
    debit = next(r for r in rows if r["scope"] == "landlord" and r["unit"] == "pence")
    assert re.fullmatch(r"-?\d+|", debit["value"])
    data = json.loads(run("--format", "json"))
    assert set(data["landlord"]) == {i.code for i in ind.INDICATORS}
