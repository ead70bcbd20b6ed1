"""Find an account from one search box: reference, tenant name, address line or postcode.

Each kind of match is its own subquery on one table, combined by id, so the database can use
each table's index instead of filtering a join of tenancies, tenants and properties.
Balances are computed only for the page of results shown, in one aggregate query.
"""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from rentbook.ledger.balances import balances_on
from rentbook.ledger.models import Account
from rentbook.portfolio.models import Property, Tenancy, Tenant


def normalise(query: str) -> str:
    return " ".join(query.split())


def exact_reference(query: str) -> Account | None:
    """The account whose reference is exactly the query (any case), if there is one."""
    q = normalise(query)
    if not q:
        return None
    return (
        Account.objects.filter(reference=q).first()
        or Account.objects.filter(reference__iexact=q).first()
    )


def _name_matches(words: list[str]) -> QuerySet[Tenant]:
    if len(words) == 1:
        (w,) = words
        return Tenant.objects.filter(Q(last_name__istartswith=w) | Q(first_name__istartswith=w))
    # "Jane Smith", or "Mrs Jane Smith": the first word or two name her, the last her family.
    first, last = words[-2], words[-1]
    return Tenant.objects.filter(first_name__istartswith=first, last_name__istartswith=last)


def _postcode_key(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _reference_prefix(q: str) -> Q:
    """References starting with the query as typed or in capitals.

    A range on the unique index, not LIKE: LIKE cannot use a plain index on SQLite (its LIKE
    ignores case) nor on PostgreSQL outside the C collation, and the reference is the most
    searched field. startswith keeps the match exact whatever the collation's order.
    """
    match = Q(pk__in=[])
    for prefix in dict.fromkeys((q.upper(), q)):
        match |= Q(
            reference__gte=prefix, reference__lt=prefix + "\U0010ffff", reference__startswith=prefix
        )
    return match


def _looks_like_postcode(key: str) -> bool:
    """Whole or partial postcode ("LS1", "LS11AB"): letters first, at most 7 characters."""
    return 2 <= len(key) <= 7 and re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]*", key) is not None


def matching_references(query: str) -> list[str]:
    """References of the accounts matching the query, sorted; an empty query matches none.

    Three simple queries (references, names, addresses) whose results are combined here:
    a single query ORing subqueries across the join makes both SQLite and PostgreSQL scan
    every account and re-run the subqueries for the count and again for the page.
    """
    q = normalise(query)
    if not q:
        return []
    words = q.split(" ")
    found = set(Tenancy.objects.filter(_reference_prefix(q)).values_list("reference", flat=True))
    found.update(_name_matches(words).values_list("tenancy__reference", flat=True))
    at_address = Q(address_line_1__icontains=q)
    key = _postcode_key(q)
    if _looks_like_postcode(key):
        at_address |= Q(postcode_key__startswith=key)
    at_addresses = Property.objects.annotate(
        postcode_key=Replace(Upper("postcode"), Value(" "), Value(""))
    ).filter(at_address)
    found.update(
        Tenancy.objects.filter(property_id__in=at_addresses.values("id")).values_list(
            "reference", flat=True
        )
    )
    return sorted(found)


def accounts_for(references: list[str]) -> list[Account]:
    """The accounts with these references, in the same order, ready for the results table."""
    by_ref = {
        a.reference: a
        for a in Account.objects.filter(reference__in=references).select_related(
            "tenancy__property__patch"
        )
    }
    return [by_ref[r] for r in references if r in by_ref]


def find_accounts(query: str) -> list[Account]:
    """Every account matching the query (convenient for tests and small landlords)."""
    return accounts_for(matching_references(query))


def balances(account_ids: list[int], as_of: date) -> dict[int, int]:
    """Each account's balance on ``as_of``, in pence, in one query."""
    return balances_on(account_ids, as_of)


def tenant_names(tenancy_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {i: [] for i in tenancy_ids}
    for tenant in Tenant.objects.filter(tenancy_id__in=tenancy_ids).order_by("person_no"):
        names[tenant.tenancy_id].append(tenant.full_name)
    return names
