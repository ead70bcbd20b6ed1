"""The banking app's kinds at the one door (imports/declared.py; docs/imports.md): Direct Debit
mandates taken over from a housing system (CSV or XLSX), the Bacs reports that come back
(ARUDD, ADDACS, AUDDIS rejections, DDICA claims) read from Bacs's XML (banking/reports.py), and
the cash, card and bank payments."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from django.db.models import F

from rentbook.banking import details, reports, statements
from rentbook.banking.channels import matched_frame, post_matched
from rentbook.banking.codes import ADDACS, ARUDD, AUDDIS, DDICA
from rentbook.banking.models import (
    ChannelPayment,
    Frequency,
    IndemnityClaim,
    Instruction,
    InstructionChange,
    InstructionRejection,
    Mandate,
    ReturnedDebit,
)
from rentbook.banking.references import normalise
from rentbook.banking.services import (
    Reversals,
    apply_change,
    apply_claim,
    apply_rejection,
    apply_return,
)
from rentbook.imports.declared import Applied, Field, Kind, Prepared, register
from rentbook.imports.loaders import fetch_frame
from rentbook.ledger.models import Account


def _clean(p: Prepared, column: str, fn, target: str) -> pl.Series:  # type: ignore[no-untyped-def]
    """Each value through ``fn`` (banking/details.py), its DetailError a problem."""
    values, reasons = [], []
    for v in p.text[column]:
        if v is None:
            values.append(None)
            reasons.append(None)
            continue
        try:
            values.append(fn(v))
            reasons.append(None)
        except details.DetailError as e:
            values.append(None)
            reasons.append(str(e))
    p.checks.add(column, pl.Series(reasons, dtype=pl.String))
    return pl.Series(target, values, dtype=pl.String)


# ---- mandates ---------------------------------------------------------------------------------


def _prepare_mandates(p: Prepared) -> pl.DataFrame:
    rows = p.rows.with_columns(
        _clean(p, "dd_reference", details.reference, "reference"),
        _clean(p, "sort_code", details.sort_code, "sort_code"),
        _clean(p, "account_number", details.account_number, "account_number"),
        pl.Series("payer_name", [details.bacs_text(v or "") or None for v in p.text["payer_name"]]),
    )
    p.checks.where(
        "payer_name",
        p.text["payer_name"].is_not_null() & rows["payer_name"].is_null(),
        "a payer's name needs letters or digits",
    )
    monthly = rows["frequency"] == Frequency.MONTHLY.value
    day = rows["collection_day"]
    p.checks.where(
        "collection_day",
        monthly & ~day.is_between(1, 31),
        "a monthly collection day is 1 to 31 (the last day in shorter months)",
    )
    p.checks.where(
        "collection_day",
        ~monthly & ~day.is_between(0, 6),
        "a weekly, fortnightly or four-weekly collection day is 0 (Monday) to 6 (Sunday)",
    )
    p.checks.where(
        "first_collection",
        ~monthly & (rows["first_collection"].dt.weekday() - 1 != day),
        "the first collection must fall on the collection day",
    )
    p.checks.where("amount", rows["amount"] <= 0, "a collection must be more than £0")
    return rows


def _after_mandates(a: Applied) -> None:
    new = a.new.filter(pl.col("status") == Mandate.Status.NEW.value)
    Instruction.objects.bulk_create(
        Instruction(
            mandate_id=i,
            code=Instruction.Code.NEW,
            reason="new mandate",
            queued_on=a.run.now.date(),
        )
        for i in new.get_column("id")
    )


MANDATES = register(
    Kind(
        name="mandates",
        model=Mandate,
        key="dd_reference",
        fields=(
            Field("payer_name", "text", required=True, db="", help="the account holder's name"),
            Field("sort_code", "text", required=True, db="", help="six digits, dashes allowed"),
            Field("account_number", "text", required=True, db="", help="six to eight digits"),
            Field("frequency", "choice", required=True, choices=tuple(Frequency.values),
                  aliases={"four-weekly": "four_weekly", "4-weekly": "four_weekly"}),
            Field("collection_day", "int", required=True, lo=0, hi=31,
                  help="monthly: the day of the month, 1 to 31; otherwise the weekday, 0 Monday"),
            Field("amount", "money", required=True, help="each collection"),
            Field("first_collection", "date", required=True),
            Field("status", "choice", choices=tuple(Mandate.Status.values),
                  default=Mandate.Status.LIVE.value,
                  help="new (to be lodged with a 0N), lodged, live, suspended or cancelled"),
            Field("notice_sent_on", "date",
                  help="when the housing system sent the advance notice (else rentbook sends it)"),
        ),
        derived=("reference", "sort_code", "account_number", "payer_name"),
        constants=lambda run: {"created_at": run.now},
        prepare=_prepare_mandates,
        after=_after_mandates,
        description="Direct Debit mandates (instructions) held by the housing system",
    )
)  # fmt: skip


def _mandate_accounts() -> pl.DataFrame:
    return fetch_frame(
        f"SELECT reference, account_id FROM {Mandate._meta.db_table}",
        [],
        {"dd_reference": pl.String, "account_id": pl.Int64},
    )


def _mandate_ids(p: Prepared) -> pl.Series:
    ids = fetch_frame(
        f"SELECT reference, id FROM {Mandate._meta.db_table}",
        [],
        {"dd_reference": pl.String, "mandate_id": pl.Int64},
    )
    return (
        pl.DataFrame({"dd_reference": p.text["dd_reference"]})
        .join(ids, on="dd_reference", how="left", maintain_order="left")
        .get_column("mandate_id")
    )


def _apply_each(model, apply, *order: str, reverses: str = ""):  # type: ignore[no-untyped-def]
    """An ``after`` hook applying ``apply`` to each new record of a Bacs report, in ``order``:
    each item changes its mandate (and the ledger) as its reason code says. A report that
    reverses payments (``reverses`` names them) writes its reversals together at the end."""

    def after(a: Applied) -> None:
        ids = a.new.get_column("id").to_list()
        batch = Reversals() if reverses else None
        items = model.objects.filter(pk__in=ids).select_related("mandate", "account")
        for item in items.order_by(*order, "id"):
            if batch is None:
                apply(item)
            else:
                apply(item, batch)
        if batch is not None:
            batch.flush(reverses)

    return after


# ---- ARUDD ------------------------------------------------------------------------------------


def _prepare_arudd(p: Prepared) -> pl.DataFrame:
    p.checks.where("amount", p.rows["amount"] <= 0, "a returned debit must be more than £0")
    return p.rows.with_columns(mandate_id=_mandate_ids(p))


ARUDD_KIND = register(
    Kind(
        name="bacs_arudd",
        model=ReturnedDebit,
        key="return_ref",
        account_key="dd_reference",
        account_lookup=_mandate_accounts,
        account_names="Direct Debit mandate with reference",
        reader=reports.read_arudd,
        frozen=True,
        ledger=True,
        depends=("mandates",),
        fields=(
            Field("transaction_code", "choice", db="", choices=("01", "17", "18", "19")),
            Field("reason_code", "choice", required=True, choices=tuple(ARUDD),
                  aliases={c.lower(): c for c in ARUDD}),
            Field("amount", "money", required=True),
            Field("original_processing_on", "date", required=True),
            Field("reported_on", "date", required=True),
            Field("payer_name", "text", max_length=18, default=""),
            Field("payer_sort_code", "text", db=""),
            Field("payer_account_number", "text", db=""),
        ),
        derived=("mandate_id",),
        prepare=_prepare_arudd,
        after=_apply_each(ReturnedDebit, apply_return, reverses="returned Direct Debits"),
        description="Bacs ARUDD report: Direct Debits returned unpaid (XML)",
    )
)  # fmt: skip


# ---- ADDACS -----------------------------------------------------------------------------------


def _prepare_addacs(p: Prepared) -> pl.DataFrame:
    rows = p.rows.with_columns(mandate_id=_mandate_ids(p))
    new_sort = _clean(p, "new_sort_code", details.sort_code, "new_sort_code")
    new_acct = _clean(p, "new_account_number", details.account_number, "new_account_number")
    p.checks.where(
        "new_sort_code",
        rows["reason_code"].is_in(["3", "C"]) & p.text["new_sort_code"].is_null(),
        "a transferred or moved instruction needs the new sort code",
    )
    rows = rows.with_columns(
        new_sort_code=new_sort.fill_null(""),
        new_account_number=new_acct.fill_null(""),
        new_payer_name=pl.Series(
            [details.bacs_text(v or "") for v in p.text["new_payer_name"]], dtype=pl.String
        ),
    )
    return rows


ADDACS_KIND = register(
    Kind(
        name="bacs_addacs",
        model=InstructionChange,
        key="change_ref",
        account_key="dd_reference",
        account_lookup=_mandate_accounts,
        account_names="Direct Debit mandate with reference",
        reader=reports.read_addacs,
        frozen=True,
        depends=("mandates",),
        fields=(
            Field("reason_code", "choice", required=True, choices=tuple(ADDACS),
                  aliases={c.lower(): c for c in ADDACS}),
            Field("effective_on", "date", required=True),
            Field("reported_on", "date", required=True),
            Field("payer_name", "text", db=""),
            Field("payer_sort_code", "text", db=""),
            Field("payer_account_number", "text", db=""),
            Field("new_payer_name", "text", db=""),
            Field("new_sort_code", "text", db=""),
            Field("new_account_number", "text", db=""),
        ),
        derived=("mandate_id", "new_sort_code", "new_account_number", "new_payer_name"),
        prepare=_prepare_addacs,
        after=_apply_each(InstructionChange, apply_change, "effective_on"),
        description="Bacs ADDACS report: instructions amended or cancelled by the payer's bank",
    )
)  # fmt: skip


# ---- AUDDIS rejections and DDICA indemnity claims ---------------------------------------------


AUDDIS_KIND = register(
    Kind(
        name="bacs_auddis",
        model=InstructionRejection,
        key="rejection_ref",
        account_key="dd_reference",
        account_lookup=_mandate_accounts,
        account_names="Direct Debit mandate with reference",
        reader=reports.read_auddis,
        frozen=True,
        depends=("mandates",),
        fields=(
            Field("transaction_code", "choice", required=True,
                  choices=tuple(Instruction.Code.values),
                  aliases={c.lower(): c for c in Instruction.Code.values}),
            Field("reason_code", "choice", required=True, choices=tuple(AUDDIS),
                  aliases={c.lower(): c for c in AUDDIS}),
            Field("effective_on", "date", required=True),
            Field("reported_on", "date", required=True),
            Field("payer_name", "text", db=""),
            Field("payer_sort_code", "text", db=""),
            Field("payer_account_number", "text", db=""),
        ),
        derived=("mandate_id",),
        prepare=lambda p: p.rows.with_columns(mandate_id=_mandate_ids(p)),
        after=_apply_each(InstructionRejection, apply_rejection, "effective_on"),
        description="Bacs AUDDIS report: Direct Debit instructions the payer's bank rejected",
    )
)  # fmt: skip


def _prepare_ddica(p: Prepared) -> pl.DataFrame:
    p.checks.where("amount", p.rows["amount"] <= 0, "a claimed Direct Debit is more than £0")
    return p.rows.with_columns(mandate_id=_mandate_ids(p))


DDICA_KIND = register(
    Kind(
        name="bacs_ddica",
        model=IndemnityClaim,
        key="claim_item_ref",
        account_key="dd_reference",
        account_lookup=_mandate_accounts,
        account_names="Direct Debit mandate with reference",
        reader=reports.read_ddica,
        frozen=True,
        ledger=True,
        depends=("mandates",),
        fields=(
            Field("claim_ref", "text", required=True, max_length=40),
            Field("reason_code", "choice", required=True, choices=tuple(DDICA),
                  aliases={c.lower(): c for c in DDICA}),
            Field("amount", "money", required=True),
            Field("collected_on", "date", required=True),
            Field("reported_on", "date", required=True),
            Field("payer_name", "text", db=""),
            Field("payer_sort_code", "text", db=""),
            Field("payer_account_number", "text", db=""),
        ),
        derived=("mandate_id",),
        prepare=_prepare_ddica,
        after=_apply_each(
            IndemnityClaim, apply_claim, "collected_on", reverses="reclaimed Direct Debits"
        ),
        description="Bacs DDICA report: Direct Debits reclaimed under the Guarantee",
    )
)  # fmt: skip


# ---- cash and card channels, bank statement lines ---------------------------------------------


def _account_refs() -> dict[str, int]:
    frame = fetch_frame(
        f"SELECT reference, id FROM {Account._meta.db_table} WHERE NOT former",
        [],
        {"reference": pl.String, "id": pl.Int64},
    )
    return {normalise(r): i for r, i in frame.iter_rows()}


def _prepare_channel(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    p.checks.where("amount", rows["amount"] <= 0, "a payment must be more than £0")
    matched = matched_frame(p.text["reference"], p.text["payer"], _account_refs())
    paid_at = rows["paid_at"]
    return rows.with_columns(
        account_id=matched["account_id"],
        matched_by=matched["matched_by"],
        suspense_reason=matched["suspense_reason"],
        status=pl.when(matched["account_id"].is_null())
        .then(pl.lit(ChannelPayment.Status.SUSPENSE.value))
        .otherwise(pl.lit(ChannelPayment.Status.POSTED.value)),
        paid_on=paid_at.dt.convert_time_zone("Europe/London").dt.date(),
        reference_given=p.text["reference"].fill_null(""),
        outlet=rows["outlet"].fill_null(""),
        payer=rows["payer"].fill_null(""),
    )


def _after_channel(a: Applied) -> None:
    matched = a.new.filter(pl.col("account_id").is_not_null())
    post_matched(matched, a.run.source, a.run.batch_id)
    if matched.height:
        ChannelPayment.objects.filter(pk__in=matched.get_column("id").to_list()).update(
            posted_ref=F("import_ref")
        )
    held = a.new.height - matched.height
    if held:
        a.run.result.notes.append(
            f"{held:,} payment{'s' * (held != 1)} held in suspense: allocate them on the"
            " Suspense page."
        )


CHANNEL_KIND = register(
    Kind(
        name="cash_payments",
        model=ChannelPayment,
        key="payment_ref",
        account_key="reference",
        account_lookup=lambda: pl.DataFrame(
            schema={"reference": pl.String, "account_id": pl.Int64}
        ),
        account_optional=True,
        depends=("tenancies",),
        fields=(
            Field("amount", "money", required=True, help="received, more than £0"),
            Field("paid_at", "datetime", required=True, help="when it was paid (London time)"),
            Field("channel", "choice", required=True, choices=tuple(ChannelPayment.Channel.values),
                  aliases={"post office": "post_office", "postoffice": "post_office",
                           "standing order": "standing_order", "transfer": "bank_transfer"}),
            Field("outlet", "text", max_length=60, default=""),
            Field("payer", "text", max_length=100, default="",
                  help="a bank statement line's payer or narrative"),
        ),
        derived=("matched_by", "suspense_reason", "status", "paid_on", "reference_given"),
        frozen=True,
        prepare=_prepare_channel,
        after=_after_channel,
        ledger=True,
        description="Cash, card and bank payments (Allpay, PayPoint, Post Office, card, "
        "standing orders, transfers), matched by reference or held in suspense",
    )
)  # fmt: skip


# A bank statement in camt.053 (banking/statements.py): its booked credits are the same
# payments as a cash_payments file's, matched and held in suspense alike.
STATEMENT_KIND = register(
    replace(
        CHANNEL_KIND,
        name="bank_statement",
        reader=statements.read_camt053,
        description="Bank statements in ISO 20022 camt.053: booked credits (standing orders, "
        "transfers) matched by reference or held in suspense",
    )
)
