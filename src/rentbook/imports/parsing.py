"""Vectorised parsing of import values (Polars), with a reason for every value refused.

Each parser takes a text Series and returns the parsed Series plus a Series of reasons
(null where the value is good or absent). Money never passes through a float: the digits
are rearranged as text and cast to an integer number of pence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from rentbook.money import MoneyError, parse_pounds

# The common shape "-1234.56", handled without the general pattern.
_PLAIN_MONEY = r"^-?\d{1,15}\.\d{2}$"
_TOO_MANY_DECIMALS = r"^[(\-+£]*[\d,]*\.\d{3,}\)?$"

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_UK_DATE = r"^\d{1,2}/\d{1,2}/\d{4}$"

YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})


def nulls(name: str, n: int) -> pl.Series:
    """A text column of ``n`` nulls (built in Polars: a Python list of a million Nones
    took a large share of checking a batch)."""
    return pl.repeat(None, n, dtype=pl.String, eager=True).alias(name)


def clean(s: pl.Series) -> pl.Series:
    """Surrounding spaces removed; an empty value is null."""
    s = s.str.strip_chars()
    return s.replace("", None) if (s == "").any() else s


def money(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Pence (Int64) and reasons, for a column of amounts in pounds."""
    plain = s.str.contains(_PLAIN_MONEY)
    if plain.fill_null(True).all():
        pence = s.str.replace(".", "", literal=True).cast(pl.Int64, strict=False)
        return pence, _reasons_money(s, pence)
    # Anything else ("£1,234.56", "(12.50)") is rarer and repeats: parse each distinct value
    # once with the one definition of money, rentbook.money.parse_pounds.
    mapping = {v: _pounds_or_none(v) for v in s.filter(~plain.fill_null(True)).unique().to_list()}
    fast = s.str.replace(".", "", literal=True).cast(pl.Int64, strict=False)
    slow = s.replace_strict(mapping, default=None, return_dtype=pl.Int64)
    pence = pl.select(pl.when(plain).then(fast).otherwise(slow)).to_series().rename(s.name)
    return pence, _reasons_money(s, pence)


def _pounds_or_none(text: str) -> int | None:
    try:
        return parse_pounds(text)
    except MoneyError:
        return None


def _reasons_money(s: pl.Series, pence: pl.Series) -> pl.Series:
    bad = s.is_not_null() & pence.is_null()
    if not bad.any():
        return nulls(s.name, len(s))
    frame = pl.DataFrame({"s": s, "bad": bad})
    return frame.select(
        pl.when(~pl.col("bad"))
        .then(None)
        .when(pl.col("s").str.replace_all(" ", "").str.contains(_TOO_MANY_DECIMALS))
        .then(pl.format("'{}' has more than two decimal places", pl.col("s")))
        .otherwise(pl.format("'{}' is not an amount of money in pounds and pence", pl.col("s")))
    ).to_series()


def date(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Dates and reasons, for a column of YYYY-MM-DD or DD/MM/YYYY values."""
    iso = s.str.to_date("%Y-%m-%d", strict=False)
    missed = s.is_not_null() & iso.is_null()
    if missed.any():
        uk = s.str.to_date("%d/%m/%Y", strict=False)
        iso = iso.fill_null(uk)
        missed = s.is_not_null() & iso.is_null()
    if not missed.any():
        return iso, nulls(s.name, len(s))
    frame = pl.DataFrame({"s": s, "bad": missed})
    reasons = frame.select(
        pl.when(~pl.col("bad"))
        .then(None)
        .when(pl.col("s").str.contains(_ISO_DATE) | pl.col("s").str.contains(_UK_DATE))
        .then(pl.format("'{}' is not a real date", pl.col("s")))
        .otherwise(pl.format("'{}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)", pl.col("s")))
    ).to_series()
    return iso, reasons


def choice(s: pl.Series, allowed: Iterable[str], *, what: str) -> tuple[pl.Series, pl.Series]:
    """One of ``allowed`` (matched without regard to case), and reasons."""
    allowed = frozenset(allowed)
    mapping = _map_uniques(s, lambda v: v if v in allowed else None)
    return _mapped(s, mapping, what=what, shown=sorted(allowed))


def yes_no(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    def to_bool(v: str) -> bool | None:
        return True if v in YES else False if v in NO else None

    mapping = _map_uniques(s, to_bool)
    values = s.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
    bad = s.is_not_null() & values.is_null()
    reasons = _reason_where(s, bad, "'{}' is not yes or no")
    return values.fill_null(False), reasons


def integer(s: pl.Series, lo: int, hi: int) -> tuple[pl.Series, pl.Series]:
    values = s.cast(pl.Int64, strict=False)
    ok = values.is_between(lo, hi).fill_null(False)
    bad = s.is_not_null() & ~ok
    values = pl.select(pl.when(ok).then(values).otherwise(None)).to_series()
    return values, _reason_where(s, bad, f"'{{}}' is not a whole number from {lo} to {hi}")


def _map_uniques(s: pl.Series, fn) -> dict[str, object]:  # type: ignore[no-untyped-def]
    # Few distinct values in a column of codes: normalise each once, not each row.
    return {u: fn(u.strip().lower()) for u in s.drop_nulls().unique().to_list()}


def _mapped(
    s: pl.Series, mapping: Mapping[str, object], *, what: str, shown: list[str]
) -> tuple[pl.Series, pl.Series]:
    values = s.replace_strict(mapping, default=None, return_dtype=pl.String)
    bad = s.is_not_null() & values.is_null()
    listing = ", ".join(shown)
    if len(listing) > 120:
        listing = listing[:117] + "..."
    return values, _reason_where(s, bad, f"'{{}}' is not a known {what} ({listing})")


def _reason_where(s: pl.Series, bad: pl.Series, template: str) -> pl.Series:
    if not bad.any():
        return nulls(s.name, len(s))
    frame = pl.DataFrame({"s": s, "bad": bad})
    text = pl.format(template, pl.col("s")) if "{}" in template else pl.lit(template)
    return frame.select(pl.when(pl.col("bad")).then(text).otherwise(None)).to_series()


def longer_than(s: pl.Series, limit: int) -> pl.Series:
    bad = s.str.len_chars() > limit
    return _reason_where(s, bad.fill_null(False), f"longer than {limit} characters")
