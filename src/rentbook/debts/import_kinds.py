"""Corporate debt at the one door (imports/declared.py; docs/imports.md): the customers of
the revenues system, their debts (a council tax or rates year, an invoice, an overpayment
decision) and each debt's entries (bills, reductions, payments, adjustments, write-offs)."""

from __future__ import annotations

import polars as pl

from rentbook.debts import funds
from rentbook.debts.matching import suggest_matches
from rentbook.debts.models import (
    SIGN,
    Customer,
    Debt,
    DebtAction,
    DebtEntry,
    DebtParty,
    EntryKind,
    Stream,
    WriteOffReason,
)
from rentbook.imports.declared import Applied, Field, Kind, Prepared, register
from rentbook.imports.loaders import fetch_frame

NINO = r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$"


def _refs(model: type, name: str) -> pl.DataFrame:
    """Each record's reference in its source system and its id (the door's lookup)."""
    return fetch_frame(
        f"SELECT import_ref, id FROM {model._meta.db_table} WHERE import_ref IS NOT NULL",
        [],
        {name: pl.String, "account_id": pl.Int64},
    ).unique(name, keep="first")


def _customers() -> pl.DataFrame:
    return _refs(Customer, "customer_ref")


def _debts() -> pl.DataFrame:
    return _refs(Debt, "debt_ref")


def _prepare_customer(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    nino = p.text["nino"].str.to_uppercase().str.replace_all(" ", "")
    p.checks.where(
        "nino",
        nino.is_not_null() & ~nino.str.contains(NINO).fill_null(True),
        "not a National Insurance number (two letters, six digits, A to D: AB123456C)",
    )
    return rows.with_columns(
        nino=nino.fill_null(""),
        address=rows["address"].fill_null(""),
        postcode=p.text["postcode"].str.to_uppercase().fill_null(""),
    )


def _after_customer(a: Applied) -> None:
    unlinked = a.new.filter(pl.col("account_id").is_null())
    if unlinked.height:
        n = suggest_matches(unlinked.get_column("id").to_list())
        if n:
            a.run.result.notes.append(
                f"{n:,} possible match{'es' * (n != 1)} with tenants to review on the"
                " Customer matches page (never merged without a person)."
            )


CUSTOMERS = register(
    Kind(
        name="customers",
        model=Customer,
        key="customer_ref",
        account_optional=True,
        account_column_optional=True,
        depends=("tenancies",),
        fields=(
            Field("kind", "choice", choices=tuple(Customer.Kind.values),
                  default=Customer.Kind.PERSON.value),
            Field("name", "text", required=True, max_length=120),
            Field("date_of_birth", "date"),
            Field("nino", "text", max_length=13, help="National Insurance number"),
            Field("address", "text", max_length=200),
            Field("postcode", "text", max_length=10),
        ),
        prepare=_prepare_customer,
        after=_after_customer,
        after_where="account_id IS NULL",  # only those with no tenancy are matched
        description="Revenues customers (people and organisations), linked to a tenancy when "
        "its reference is given",
    )
)  # fmt: skip


def _prepare_debt(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    c = p.checks
    stream = rows["stream"]
    c.where("cause", (stream == Stream.HBO.value) & rows["cause"].is_null(),
            "an overpayment needs its cause: claimant_error, official_error or fraud")  # fmt: skip
    c.where("cause", (stream != Stream.HBO.value) & rows["cause"].is_not_null(),
            "only an overpayment has a cause")  # fmt: skip
    c.where("department", (stream == Stream.SUNDRY.value) & rows["department"].is_null(),
            "a sundry debt needs the service department that raised it")  # fmt: skip
    c.where("due_on", rows["due_on"] < rows["raised_on"], "it falls due before it was raised")
    return rows.with_columns(
        customer_id=rows["account_id"],
        cause=rows["cause"].fill_null(""),
        department=rows["department"].fill_null(""),
        description=rows["description"].fill_null(""),
    )


DEBTS = register(
    Kind(
        name="debts",
        model=Debt,
        key="debt_ref",
        account_key="customer_ref",
        account_lookup=_customers,
        account_names="customer",
        owner="customer_id",
        depends=("customers",),
        fields=(
            Field("stream", "choice", required=True, updatable=False,
                  choices=tuple(Stream.values),
                  aliases={"council tax": "council_tax", "nndr": "ndr", "rates": "ndr",
                           "business rates": "ndr", "sundry debt": "sundry",
                           "housing benefit overpayment": "hbo"}),
            Field("financial_year", "int", required=True, lo=1990, hi=2100,
                  help="its first year: 2013 for 2013/14"),
            Field("raised_on", "date", required=True),
            Field("due_on", "date"),
            Field("department", "text", max_length=60),
            Field("cause", "choice", choices=tuple(Debt.Cause.values),
                  aliases={"claimant error": "claimant_error",
                           "official error": "official_error", "la error": "official_error"}),
            Field("recoverable", "bool", default=True),
            Field("status", "choice", choices=tuple(Debt.Status.values),
                  default=Debt.Status.OPEN.value),
            Field("description", "text", max_length=200),
        ),
        prepare=_prepare_debt,
        description="Council tax and rates years, sundry invoices and Housing Benefit "
        "overpayment decisions, each a debt of a customer",
    )
)  # fmt: skip


def _prepare_entry(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    c = p.checks
    kind, amount = rows["kind"], rows["amount"]
    c.where("amount", amount == 0, "an entry moves money: its amount is not £0")
    for k, sign in SIGN.items():
        wrong = (kind == k.value) & (amount * sign < 0)
        word = "more" if sign > 0 else "less"
        c.where("amount", wrong, f"a {k.value.replace('_', '-')} is {word} than £0 "
                f"({'owed' if sign > 0 else 'paid or taken off'})")  # fmt: skip
    c.where("write_off_reason", (kind == EntryKind.WRITE_OFF.value)
            & rows["write_off_reason"].is_null(), "a write-off needs its reason")  # fmt: skip
    c.where("reverses", (kind == EntryKind.REVERSAL.value) & rows["reverses_ref"].is_null(),
            "a reversal names the entry it reverses")  # fmt: skip
    closed = fetch_frame(
        f"SELECT id FROM {Debt._meta.db_table} WHERE status = %s",
        [Debt.Status.CLOSED.value],
        {"account_id": pl.Int64},
    ).get_column("account_id")
    c.where(
        "debt_ref",
        rows["account_id"].is_in(closed.implode()) & (kind == EntryKind.PAYMENT.value),
        "the debt '{}' is closed: a payment to it is not posted (reopen the debt, or post the "
        "money where it belongs)",
        p.text["debt_ref"],
    )
    return rows.with_columns(
        debt_id=rows["account_id"],
        description=rows["description"].fill_null(""),
        write_off_reason=rows["write_off_reason"].fill_null(""),
        reverses_ref=rows["reverses_ref"].fill_null(""),
    )


DEBT_ENTRIES = register(
    Kind(
        name="debt_entries",
        model=DebtEntry,
        key="entry_ref",
        account_key="debt_ref",
        account_lookup=_debts,
        account_names="debt",
        owner="debt_id",
        depends=("debts",),
        frozen=True,
        # the revenues summary's figures again, once the entries are in (debts/funds.py)
        before=lambda run, raw: funds.request(),  # on commit: a dry run queues nothing
        fields=(
            Field("posted_on", "date", required=True),
            Field("kind", "choice", required=True, choices=tuple(EntryKind.values),
                  aliases={"bill": "charge", "instalment": "charge", "invoice": "charge",
                           "relief": "reduction", "ctr": "reduction", "costs": "surcharge",
                           "writeoff": "write_off", "write-off": "write_off"}),
            Field("amount", "money", required=True,
                  help="positive owed (charge, surcharge), negative paid or taken off"),
            Field("description", "text", max_length=200),
            Field("write_off_reason", "choice", choices=tuple(WriteOffReason.values)),
            Field("reverses", "text", db="reverses_ref", max_length=80,
                  help="a reversal: the entry_ref it reverses"),
        ),
        prepare=_prepare_entry,
        description="Each debt's ledger entries: bills, reductions, payments, adjustments, "
        "write-offs",
    )
)  # fmt: skip


def _prepare_action(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    return rows.with_columns(
        debt_id=rows["account_id"],
        code=p.text["code"].str.to_uppercase(),
        note=rows["note"].fill_null(""),
    )


DEBT_ACTIONS = register(
    Kind(
        name="debt_actions",
        model=DebtAction,
        key="action_ref",
        account_key="debt_ref",
        account_lookup=_debts,
        account_names="debt",
        owner="debt_id",
        depends=("debts",),
        constants=lambda run: {"created_at": run.now},
        fields=(
            Field("code", "text", required=True, max_length=12,
                  help="the recovery step's code (docs/corporate-debt.md)"),
            Field("at", "datetime", required=True, help="when it was taken (London time)"),
            Field("note", "text", max_length=200),
        ),
        prepare=_prepare_action,
        description="The recovery steps taken on each debt (reminders, notices, warrants...), "
        "which the debt run reads",
    )
)  # fmt: skip


def _prepare_party(p: Prepared) -> pl.DataFrame:
    rows = p.rows
    ref = p.text["customer_ref"]
    customer_id = (
        pl.DataFrame({"customer_ref": ref})
        .join(_customers(), on="customer_ref", how="left", maintain_order="left")
        .get_column("account_id")
    )
    p.checks.where(
        "customer_ref",
        ref.is_not_null() & customer_id.is_null(),
        "no customer '{}' (import customers first)",
        ref,
    )
    billed = fetch_frame(
        f"SELECT id, customer_id FROM {Debt._meta.db_table}",
        [],
        {"account_id": pl.Int64, "billed_to": pl.Int64},
    )
    own = (
        rows.select("account_id")
        .join(billed, on="account_id", how="left", maintain_order="left")
        .get_column("billed_to")
    )
    p.checks.where(
        "customer_ref",
        customer_id.is_not_null() & (customer_id == own).fill_null(False),
        "'{}' is the customer the debt is billed to: name the other person liable",
        ref,
    )
    return rows.with_columns(debt_id=rows["account_id"], customer_id=customer_id)


DEBT_PARTIES = register(
    Kind(
        name="joint_liability",
        model=DebtParty,
        key="liability_ref",
        account_key="debt_ref",
        account_lookup=_debts,
        account_names="debt",
        owner="debt_id",
        depends=("debts",),
        derived=("customer_id",),
        fields=(
            Field("customer_ref", "text", required=True, db="", max_length=80,
                  help="the other customer jointly and severally liable for the debt"),
        ),
        prepare=_prepare_party,
        description="Who else is jointly and severally liable for a debt (council tax: joint "
        "owners or tenants, partners), each for the whole of it",
    )
)  # fmt: skip
