"""Formula injection: every export writes text a spreadsheet will not run (rentbook/spreadsheet.py),
and each export is checked with a value that is a formula."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rentbook.spreadsheet import FORMULA_STARTS, csv_writer, safe_cell, workbook
from tests.legal.conftest import people  # noqa: F401


@given(st.sampled_from(FORMULA_STARTS), st.text())
def test_text_that_starts_like_a_formula_is_made_text(start, rest):
    value = start + rest
    out = safe_cell(value)
    # isdecimal, not isdigit: "²" is a digit to Python but not a number to a spreadsheet
    number = value.lstrip("+-").replace(".", "", 1).isdecimal() and value[0] in "+-"
    if number and value[1:2].isdecimal():
        assert out == value  # a signed number such as -12.50 is a number
    else:
        assert out == "'" + value


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none(), st.dates()))
def test_anything_not_text_is_left_as_it_is(value):
    assert safe_cell(value) == value


def test_money_as_text_stays_readable():
    assert [safe_cell(v) for v in ("-12.50", "+3", "12.50", "-0.07")] == [
        "-12.50",
        "+3",
        "12.50",
        "-0.07",
    ]
    assert safe_cell("-1+1") == "'-1+1" and safe_cell("=1+1") == "'=1+1"


def test_the_csv_writer_and_the_workbook_never_write_a_formula():
    out = io.StringIO()
    w = csv_writer(out)
    w.writerow(["=SUM(A1)", "@x", 5, "-5.00", "\tTAB"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        "'=SUM(A1)",
        "'@x",
        "5",
        "-5.00",
        "'\tTAB",
    ]
    buf = io.BytesIO()
    book = workbook(buf)
    book.add_worksheet().write_row(0, 0, ["=SUM(A1)", "=1+1"])
    book.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


EVIL = '=HYPERLINK("http://evil.example","Click")'


@pytest.mark.django_db
def test_the_agency_export_and_the_committee_csv_make_names_and_addresses_text(people):  # noqa: F811
    from rentbook.ledger.models import Kind
    from rentbook.portfolio.models import Tenant
    from rentbook.recovery import services
    from tests.factories import make_account, post

    debt = make_account(start=date(2024, 4, 1), end=date(2026, 3, 1))
    post(debt, date(2026, 1, 5), 60_000, kind=Kind.CHARGE)
    Tenant.objects.filter(tenancy=debt.tenancy).update(first_name=EVIL, last_name="Smith")
    fta = services.open_former_tenant_account(debt, by=people["officer"])
    services.update_contact(fta, by=people["officer"], forwarding_address=EVIL)
    r = services.refer_to_agency(fta, "Acme", date(2026, 4, 1), by=people["officer"])
    cells = [c for row in csv.reader(io.StringIO(services.agency_export([r]))) for c in row]
    assert "'" + EVIL in cells and EVIL not in cells
    w = services.propose_write_off(
        fta.account, 30_000, "deceased", date(2026, 5, 1), by=people["officer"]
    )
    services.approve_write_off(w, date(2026, 5, 2), by=people["manager"])
    text = services.committee_csv(date(2026, 4, 1), date(2027, 3, 31))
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)  # the names
    assert not any(c.startswith(FORMULA_STARTS) and c[1:2].isalpha() for c in cells)
