from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from rentbook.performance.models import Target

pytestmark = pytest.mark.django_db

Q1 = {"indicator": "rent_collected_pct", "period_start": date(2026, 4, 6),
      "period_end": date(2026, 7, 5)}  # fmt: skip


@pytest.mark.parametrize(
    "scope", [{"scope_kind": "landlord"}, {"scope_kind": "patch", "scope_id": 7}]
)
def test_one_target_per_indicator_period_and_scope_on_every_database(scope):
    Target.objects.create(**Q1, **scope, value=Decimal("98.5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(**Q1, **scope, value=Decimal("99"))
    Target.objects.create(**Q1, scope_kind="patch", scope_id=8, value=Decimal("99"))
