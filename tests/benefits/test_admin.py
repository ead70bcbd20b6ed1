"""An administrator sets the rent year's DHP fund in the administration pages."""

from __future__ import annotations

import pytest

from rentbook.benefits.models import DhpFund
from rentbook.portfolio.models import Role

pytestmark = pytest.mark.django_db


def test_an_administrator_sets_the_dhp_fund(client, django_user_model):
    admin = django_user_model.objects.create_user(
        "admin1", password="x", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    page = client.get("/admin/benefits/dhpfund/add/")
    assert page.status_code == 200
    done = client.post(
        "/admin/benefits/dhpfund/add/", {"year_start": "2026-04-06", "budget": "25000000"}
    )
    assert done.status_code == 302
    assert DhpFund.objects.get().budget == 25_000_000
