from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime

import pytest

from rentbook.ledger.models import Kind
from rentbook.portfolio.models import Role
from tests.factories import make_account, post
from tests.web.conftest import _fast_password_hashing  # noqa: F401 (autouse)

NOW = datetime(2025, 6, 16, 10, 0, tzinfo=UTC)


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(
        "officer", password="x", role=Role.INCOME_OFFICER, first_name="Olu", last_name="Officer"
    )


@pytest.fixture
def account(db):
    a = make_account(last_name="Okafor")
    post(a, date(2025, 6, 2), 10_000, kind=Kind.CHARGE)
    post(a, date(2025, 6, 9), 10_000, kind=Kind.CHARGE)
    post(a, date(2025, 6, 10), -2_500, method="card")
    t = a.tenancy.tenants.get()
    t.mobile = "07700 900123"
    t.email = "sam@example.org"
    t.save()
    return a


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    import io

    from pypdf import PdfReader

    return [
        (round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]
