"""Every file field keeps its size and kinds of file (web/uploads.py): walked field by field."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rentbook.portfolio.models import Role
from rentbook.web.uploads import MAX_UPLOAD

pytestmark = pytest.mark.django_db

PLAN = {"name": "Plan", "as-at-day": "30", "as-at-month": "6", "as-at-year": "2009"}
FIELDS = [
    # (url, the form's other fields, the role that may upload)
    ("/plans/", PLAN, Role.INCOME_MANAGER),
    ("/former-tenants/agency-outcomes/", {}, Role.INCOME_OFFICER),
    ("/performance/custom/", {"action": "import"}, Role.INCOME_MANAGER),
]
BAD = [
    (SimpleUploadedFile("payload.exe", b"MZ\x90\x00"), "must be a"),
    (
        SimpleUploadedFile("big.csv", b"a,b\n" + b"1,2\n" * (MAX_UPLOAD // 4 + 1)),
        "smaller than 5 MB",
    ),
    (SimpleUploadedFile("binary.csv", b"\x00\x01\x02\x03junk"), "is not a"),
]


@pytest.mark.parametrize(("url", "extra", "role"), FIELDS)
@pytest.mark.parametrize(("upload", "says"), BAD, ids=["type", "size", "content"])
def test_each_file_field_refuses_the_wrong_kind_or_size_and_says_why(
    client_for, url, extra, role, upload, says
):
    upload.seek(0)
    response = client_for(role).post(url, {**extra, "file": upload})
    assert response.status_code == 400, response.status_code
    assert says in response.content.decode()


def test_an_excel_file_must_be_one(client_for):
    fake = SimpleUploadedFile("plan.xlsx", b"a,b\n1,2\n")
    response = client_for(Role.INCOME_MANAGER).post("/plans/", {**PLAN, "file": fake})
    assert response.status_code == 400
    assert "not an Excel" in response.content.decode()
