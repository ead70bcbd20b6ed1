"""What the API reads and writes. Money is integer pence (``*_pence``), dates ISO 8601."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rentbook.engine.models import Recommendation
from rentbook.ledger.models import Account


class AccountSerializer(serializers.ModelSerializer):
    tenancy_ref = serializers.CharField(source="reference")
    patch = serializers.CharField(source="tenancy.property.patch.code")
    property_ref = serializers.CharField(source="tenancy.property.reference")
    tenure = serializers.CharField(source="tenancy.tenure")
    start_date = serializers.DateField(source="tenancy.start_date")
    end_date = serializers.DateField(source="tenancy.end_date", allow_null=True)
    balance_pence = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = [
            "tenancy_ref",
            "patch",
            "property_ref",
            "tenure",
            "start_date",
            "end_date",
            "payment_method",
            "benefit",
            "balance_pence",
        ]

    def get_balance_pence(self, account: Account) -> int:
        return int(self.context["balances"].get(account.pk, 0))


class PositionSerializer(serializers.Serializer):
    weekly_charge_pence = serializers.IntegerField()
    technical_arrears_pence = serializers.IntegerField()
    true_arrears_pence = serializers.IntegerField()
    last_payment_on = serializers.DateField(allow_null=True)
    last_payment_pence = serializers.IntegerField(allow_null=True)


class LatestRecommendationSerializer(serializers.Serializer):
    run_id = serializers.IntegerField()
    as_of = serializers.DateField()
    action = serializers.CharField()
    category = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class AccountDetailSerializer(AccountSerializer):
    """One account: its position today and the latest run's recommendation for it."""

    position = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField()

    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "position", "recommendation"]

    def get_balance_pence(self, account: Account) -> int:
        return int(self.context["position"].balance)

    @extend_schema_field(PositionSerializer)
    def get_position(self, account: Account) -> dict:
        p = self.context["position"]
        return {
            "weekly_charge_pence": p.weekly_charge,
            "technical_arrears_pence": p.technical_arrears,
            "true_arrears_pence": p.true_arrears,
            "last_payment_on": p.last_payment_on.isoformat() if p.last_payment_on else None,
            "last_payment_pence": p.last_payment_amount,
        }

    @extend_schema_field(LatestRecommendationSerializer(allow_null=True))
    def get_recommendation(self, account: Account) -> dict | None:
        rec = self.context.get("recommendation")
        if rec is None:
            return None
        return {
            "run_id": rec.run_id,
            "as_of": rec.run.as_of.isoformat(),
            "action": rec.action,
            "category": rec.category,
            "reasons": list(rec.reasons),
        }


class RecommendationSerializer(serializers.ModelSerializer):
    tenancy_ref = serializers.CharField(source="account.reference")
    patch = serializers.CharField(source="patch.code")
    reasons = serializers.ListField(child=serializers.CharField())
    # declared, so the schema does not take the database's integer range
    priority = serializers.IntegerField()
    balance_pence = serializers.IntegerField(source="balance")
    weekly_charge_pence = serializers.IntegerField(source="weekly_charge")

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "run_id",
            "tenancy_ref",
            "patch",
            "action",
            "category",
            "priority",
            "rule",
            "reasons",
            "balance_pence",
            "weekly_charge_pence",
            "benefit",
        ]


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    as_of = serializers.DateField()
    policy = serializers.CharField()
    accounts = serializers.IntegerField()


# --- writes: the columns of the import kinds (docs/imports.md), checked by the door ----------


DATE = r"^(\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4})$"
INSTANT = r"^(\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?|\d{2}/\d{2}/\d{4}( \d{2}:\d{2})?)$"
MONEY = r"^\d{1,10}(\.\d{1,2})?$"


def _date(**kw: object) -> serializers.RegexField:
    return serializers.RegexField(DATE, help_text="YYYY-MM-DD or DD/MM/YYYY", **kw)


class DiaryEntryIn(serializers.Serializer):
    diary_ref = serializers.CharField(max_length=80)
    tenancy_ref = serializers.CharField(max_length=30)
    at = serializers.RegexField(
        INSTANT, max_length=30, help_text="YYYY-MM-DD HH:MM[:SS] or a date (London time)"
    )
    code = serializers.CharField(max_length=20)
    officer = serializers.CharField(max_length=100, required=False, allow_blank=True)
    outcome = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    promise_amount = serializers.RegexField(
        MONEY, required=False, help_text="pounds promised, with promise_date"
    )
    promise_date = _date(required=False)


class FlagIn(serializers.Serializer):
    flag_ref = serializers.CharField(max_length=80)
    tenancy_ref = serializers.CharField(max_length=30)
    type = serializers.CharField(max_length=40)
    starts_on = _date()
    ends_on = _date(required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PaymentIn(serializers.Serializer):
    transaction_ref = serializers.CharField(max_length=80)
    tenancy_ref = serializers.CharField(max_length=30)
    posted_on = _date()
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        coerce_to_string=True,
        help_text="the money received, in pounds, more than 0: 25.00",
    )
    method = serializers.CharField(max_length=30)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()


class WriteError(serializers.Serializer):
    field = serializers.CharField()
    reason = serializers.CharField()


class WrittenOut(serializers.Serializer):
    status = serializers.ChoiceField(["created", "updated", "unchanged"])
    batch = serializers.IntegerField(allow_null=True)


class RejectedOut(serializers.Serializer):
    status = serializers.ChoiceField(["rejected"])
    detail = serializers.CharField()
    errors = WriteError(many=True)
