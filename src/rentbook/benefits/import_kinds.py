"""Housing Benefit schedules at the one door (imports/declared.py; docs/imports.md): a line per
claim and period, posted to the ledger when paid to the landlord."""

from __future__ import annotations

import polars as pl
from django.db.models import F

from rentbook.benefits.models import DhpAward, HousingBenefitLine, UniversalCreditLine
from rentbook.imports.declared import Applied, Field, Kind, Prepared, register
from rentbook.ledger.models import PaymentMethod
from rentbook.ledger.postings import Received, post_received


def _prepare(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    c = p.checks
    c.where(
        "period_end", rows["period_end"] < rows["period_start"], "the period ends before it starts"
    )
    c.where(
        "amount",
        rows["amount"] < 0,
        "an amount paid is £0 or more (a recovery is an overpayment, not a schedule line)",
    )
    paid = rows["status"] == HousingBenefitLine.Status.PAID.value
    c.where("amount", paid & (rows["amount"] == 0), "a paid line needs the amount paid")
    c.where("amount", ~paid & (rows["amount"] > 0), "a suspended or ended claim pays nothing")
    for col in ("under_occupancy", "benefit_cap"):
        c.where(col, rows[col] < 0, "a shortfall is £0 or more a week")
    return rows


def _after(a: Applied) -> None:
    paid = a.new.filter(pl.col("amount") > 0)
    post_received(
        [
            Received(
                r["account_id"], r.get("_paid_on") or r["period_end"], r["amount"],
                r["import_ref"], f"Housing Benefit {r['claim_ref']}",
                r["period_start"], r["period_end"],
            )
            for r in paid.iter_rows(named=True)
        ],
        method=PaymentMethod.HOUSING_BENEFIT, source=a.run.source, batch_id=a.run.batch_id,
    )  # fmt: skip
    if paid.height:
        HousingBenefitLine.objects.filter(pk__in=paid.get_column("id").to_list()).update(
            posted_ref=F("import_ref")
        )


HB_SCHEDULE = register(
    Kind(
        name="hb_schedule",
        model=HousingBenefitLine,
        key="line_ref",
        fields=(
            Field("claim_ref", "text", required=True, max_length=30),
            Field("scheme", "choice", required=True,
                  choices=tuple(HousingBenefitLine.Scheme.values),
                  aliases={"rent rebate": "rebate", "rent allowance": "allowance"}),
            Field("period_start", "date", required=True),
            Field("period_end", "date", required=True),
            Field("paid_on", "date", db="", help="the day it was credited (default: period end)"),
            Field("amount", "money", required=True),
            Field("status", "choice", choices=tuple(HousingBenefitLine.Status.values),
                  default=HousingBenefitLine.Status.PAID.value),
            Field("reason", "text", max_length=100, default=""),
            Field("under_occupancy", "money", default=0, help="a week: the bedroom tax"),
            Field("benefit_cap", "money", default=0, help="a week: taken off by the cap"),
        ),
        prepare=_prepare,
        after=_after,
        frozen=True,
        ledger=True,
        description="Housing Benefit schedule lines (rent rebate or rent allowance)",
    )
)  # fmt: skip


def _prepare_uc(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    c = p.checks
    c.where(
        "period_end", rows["period_end"] < rows["period_start"], "the period ends before it starts"
    )
    c.where("amount", rows["amount"] <= 0, "the housing element is more than £0")
    c.where("deduction", rows["deduction"] < 0, "a deduction is £0 or more")
    c.where(
        "expected_on",
        rows["expected_on"] < rows["period_end"],
        "UC is paid after its assessment period ends",
    )
    paid = rows["paid_on"].is_not_null()
    return rows.with_columns(
        status=pl.when(paid)
        .then(pl.lit(UniversalCreditLine.Status.PAID.value))
        .otherwise(pl.lit(UniversalCreditLine.Status.EXPECTED.value))
    )


def _after_uc(a: Applied) -> None:
    """Post each line paid and not yet posted: new lines paid already, and lines a later
    schedule reports paid (an update of the line)."""
    ids = a.named.get_column("id").to_list()
    due = list(UniversalCreditLine.objects.filter(pk__in=ids, paid_on__isnull=False, posted_ref=""))
    post_received(
        [
            Received(
                u.account_id, u.paid_on, u.amount, u.import_ref,
                f"Universal Credit managed payment {u.claimant_ref}", u.period_start, u.period_end,
            )
            for u in due
            if u.paid_on is not None and u.import_ref
        ],
        method=PaymentMethod.UNIVERSAL_CREDIT, source=a.run.source, batch_id=a.run.batch_id,
    )  # fmt: skip
    UniversalCreditLine.objects.filter(pk__in=[u.pk for u in due]).update(
        posted_ref=F("import_ref")
    )


UC_SCHEDULE = register(
    Kind(
        name="uc_schedule",
        model=UniversalCreditLine,
        key="line_ref",
        fields=(
            Field("claimant_ref", "text", required=True, max_length=30),
            Field("period_start", "date", required=True, help="the assessment period"),
            Field("period_end", "date", required=True),
            Field("expected_on", "date", required=True, help="when the DWP will pay"),
            Field("paid_on", "date", help="when it was paid; empty while expected"),
            Field(
                "amount",
                "money",
                required=True,
                updatable=False,
                help="the housing element to the landlord",
            ),
            Field("deduction", "money", default=0, help="a third-party deduction for arrears"),
        ),
        derived=("status",),
        prepare=_prepare_uc,
        after=_after_uc,
        ledger=True,
        description="The DWP's schedule of Universal Credit managed payments, expected and paid",
    )
)


def _prepare_dhp(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    c = p.checks
    awarded = rows["decision"] == DhpAward.Decision.AWARDED.value
    weekly, lump = rows["weekly_amount"], rows["lump_sum"]
    c.where("decided_on", (rows["decision"] != "pending") & rows["decided_on"].is_null(),
            "a decision needs the day it was made")  # fmt: skip
    c.where("weekly_amount", awarded & (weekly <= 0) & (lump <= 0),
            "an award is a weekly amount, a lump sum, or both")  # fmt: skip
    c.where("weekly_amount", ~awarded & ((weekly > 0) | (lump > 0)),
            "only an award has an amount")  # fmt: skip
    c.where("ends_on", awarded & (weekly > 0) & (rows["starts_on"].is_null()
            | rows["ends_on"].is_null()), "a weekly award needs its start and end")  # fmt: skip
    c.where("ends_on", rows["ends_on"] < rows["starts_on"], "the award ends before it starts")
    c.where("paid_on", (lump > 0) & rows["paid_on"].is_null() & awarded,
            "a lump sum needs the day it was paid")  # fmt: skip
    return rows


def _after_dhp(a: Applied) -> None:
    ids = a.named.get_column("id").to_list()
    due = list(
        DhpAward.objects.filter(
            pk__in=ids, decision=DhpAward.Decision.AWARDED, lump_sum__gt=0,
            paid_on__isnull=False, posted_ref="",
        )
    )  # fmt: skip
    post_received(
        [
            Received(
                d.account_id, d.paid_on, d.lump_sum, d.import_ref,
                f"Discretionary Housing Payment: {d.get_reason_display()}",
            )
            for d in due
            if d.paid_on is not None and d.import_ref
        ],
        method=PaymentMethod.DHP, source=a.run.source, batch_id=a.run.batch_id,
    )  # fmt: skip
    DhpAward.objects.filter(pk__in=[d.pk for d in due]).update(posted_ref=F("import_ref"))


DHP_AWARDS = register(
    Kind(
        name="dhp_awards",
        model=DhpAward,
        key="award_ref",
        fields=(
            Field("reason", "choice", required=True, choices=tuple(DhpAward.Reason.values),
                  aliases={"bedroom tax": "bedroom_tax", "benefit cap": "benefit_cap",
                           "lha": "lha_shortfall"}),
            Field("applied_on", "date", required=True),
            Field("decision", "choice", choices=tuple(DhpAward.Decision.values),
                  default=DhpAward.Decision.PENDING.value),
            Field("decided_on", "date"),
            Field("starts_on", "date"),
            Field("ends_on", "date"),
            Field("weekly_amount", "money", default=0),
            Field("lump_sum", "money", default=0, updatable=False),
            Field("paid_on", "date"),
        ),
        prepare=_prepare_dhp,
        after=_after_dhp,
        ledger=True,
        description="Discretionary Housing Payment applications, decisions and awards",
    )
)  # fmt: skip
