from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from rentbook.ledger.balances import account_position
from rentbook.money import format_pounds, parse_pounds
from rentbook.web import pdf

pytestmark = pytest.mark.django_db

PERIOD = {
    "from-day": "1",
    "from-month": "2",
    "from-year": "2025",
    "to-day": "31",
    "to-month": "3",
    "to-year": "2025",
}


def test_the_statement_closing_balance_equals_the_account_balance(officer_client, account):
    response = officer_client.get(reverse("web:statement", args=[account.reference]))
    assert response.status_code == 200
    statement = response.context["statement"]
    today = timezone.localdate()
    assert statement.closing_balance == account_position(account, today).balance == 56250
    assert "£562.50" in response.text


def test_a_period_shows_its_opening_balance_lines_and_totals(officer_client, account):
    response = officer_client.get(reverse("web:statement", args=[account.reference]), PERIOD)
    s = response.context["statement"]
    assert s.start == date(2025, 2, 1) and s.end == date(2025, 3, 31)
    assert s.opening_balance + s.total_debits - s.total_credits == s.closing_balance
    assert s.lines and all(
        date(2025, 2, 1) <= line.posted_on <= date(2025, 3, 31) for line in s.lines
    )
    assert "Opening balance" in response.text and "Totals and closing balance" in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from-day": "1", "from-year": "2025"}, "Date from must include a month"),
        (
            {"from-day": "31", "from-month": "2", "from-year": "2025"},
            "Date from must be a real date",
        ),
        ({"to-day": "x", "to-month": "2", "to-year": "2025"}, "Date to must be a real date"),
        ({"to-day": "1", "to-month": "2", "to-year": "25"}, "Year must include 4 numbers"),
        (
            {**PERIOD, "to-year": "2024"},
            "Date to must be the same as or after date from",
        ),
    ],
)
def test_wrong_dates_get_a_govuk_error_message(officer_client, account, params, message):
    response = officer_client.get(reverse("web:statement", args=[account.reference]), params)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    assert "govuk-form-group--error" in response.text


def test_the_csv_has_the_same_rows_and_totals_as_plain_numbers(officer_client, account):
    page = officer_client.get(reverse("web:statement", args=[account.reference]), PERIOD)
    s = page.context["statement"]
    response = officer_client.get(reverse("web:statement-csv", args=[account.reference]), PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    opening, lines, totals = rows[0], rows[1:-1], rows[-1]
    assert opening["description"] == "Opening balance"
    assert parse_pounds(opening["balance"]) == s.opening_balance
    assert len(lines) == len(s.lines)
    debits = sum(parse_pounds(r["debit"]) for r in lines if r["debit"])
    credits = sum(parse_pounds(r["credit"]) for r in lines if r["credit"])
    assert debits == s.total_debits == parse_pounds(totals["debit"])
    assert credits == s.total_credits == parse_pounds(totals["credit"])
    assert parse_pounds(totals["balance"]) == s.closing_balance
    assert parse_pounds(lines[-1]["balance"]) == s.closing_balance
    assert all(
        "£" not in v and "," not in v for r in rows for k, v in r.items() if k != "description"
    )


def test_the_pdf_is_a_pdf_with_the_landlord_tenants_and_closing_balance(
    officer_client, account, settings
):
    response = officer_client.get(reverse("web:statement-pdf", args=[account.reference]), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    page = officer_client.get(reverse("web:statement", args=[account.reference]), PERIOD)
    closing = page.context["statement"].closing_balance
    assert closing > 0
    assert format_pounds(closing) in text
    assert settings.RENTBOOK_LANDLORD_NAME in text and "Rent statement" in text
    assert "Jane Smith" in text and "12 Acacia Avenue" in text


def test_the_pdf_fetcher_serves_our_static_files_and_refuses_everything_else(settings):
    fetcher = pdf.StaticOnlyFetcher()
    css = fetcher.fetch(pdf.BASE_URL + "static/web/statement-pdf.css")
    assert b"@page" in css.read()
    for url in (
        "file:///etc/passwd",
        "https://example.com/static/web/statement-pdf.css",
        pdf.BASE_URL + "static/../settings.py",
        pdf.BASE_URL + "static/web/../../settings.py",
        pdf.BASE_URL + "admin/",
        pdf.BASE_URL + "static/no-such-file.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_pdf_that_takes_too_long_is_stopped():
    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(40_000))
    with pytest.raises(pdf.PdfTimeout):
        pdf.html_to_pdf(f"<table>{rows}</table>", timeout=0.2)


def test_a_description_that_is_a_formula_is_text_in_the_csv(officer_client, account):
    from rentbook.ledger.models import Kind

    from .conftest import post

    post(account, date(2025, 3, 4), Kind.ADJUSTMENT, -500, description="=1+cmd|' /C calc'!A0")
    response = officer_client.get(reverse("web:statement-csv", args=[account.reference]), PERIOD)
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    # the description is told inside the line's words, and no cell starts as a formula
    assert any("=1+cmd" in r["description"] for r in rows)
    assert not any(v.startswith(("=", "@", "\t", "\r")) for r in rows for v in r.values())
