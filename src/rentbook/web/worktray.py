"""The worktray's queries: the latest run's recommendations, filtered, sorted and labelled.

Every filter is a condition on the recommendation table alone (the run copied the patch,
balance, weekly charge and benefit onto each row), so a page costs one count and one indexed
ordered slice however many accounts the landlord has; names, references and patches are then
fetched for the 50 rows shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet

from rentbook.cases.models import Category
from rentbook.engine.models import Recommendation, Run
from rentbook.ledger.models import Account, Benefit
from rentbook.money import weeks_of_charge
from rentbook.policy.loader import PolicyError, load_policy
from rentbook.portfolio.models import Patch, Role, Tenant
from rentbook.risk.access import arrears_reasons

PAGE_SIZE = 50

MINE, PATCHES, ALL = "mine", "patches", "all"
VIEW_LABELS = {MINE: "My cases", PATCHES: "My patches", ALL: "All"}

#: Balance bands: (value, label, lowest pence or None, highest pence (exclusive) or None).
BANDS: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("0-250", "Up to £250", None, 25_000),
    ("250-500", "£250 to £500", 25_000, 50_000),
    ("500-1000", "£500 to £1,000", 50_000, 100_000),
    ("1000+", "£1,000 or more", 100_000, None),
)
BAND_BY_VALUE = {b[0]: b for b in BANDS}

#: Sorted by priority (high first), then balance (high first); id keeps pages stable.
ORDER = ("-priority", "-balance", "id")
#: The falling-behind score's bands the worktray filters by: (value, label, from, below).
RISK_BANDS = (
    ("high", "High risk (50% or more)", 50, 101),
    ("medium", "Medium risk (20% to 49%)", 20, 50),
    ("low", "Low risk (under 20%)", 0, 20),
)
RISK_BY_VALUE = {b[0]: b for b in RISK_BANDS}
#: The watch list (docs/risk.md): accounts in credit or up to date whose score is at least this.
WATCH_RISK = 50


def views_for(user: Any) -> list[str]:
    """The worktray views a role may choose: officers see their own cases."""
    role = getattr(user, "role", None)
    if role == Role.INCOME_OFFICER:
        return [MINE]
    if role == Role.TEAM_LEADER:
        return [MINE, PATCHES, ALL]
    return [MINE, PATCHES, ALL] if role else []


def default_view(user: Any) -> str:
    role = getattr(user, "role", None)
    if role == Role.INCOME_OFFICER:
        return MINE
    if role == Role.TEAM_LEADER:
        return PATCHES
    return ALL


def own_patch_ids(user: Any) -> list[int]:
    """Patches the user is an officer of (Patch.officers)."""
    return list(Patch.objects.filter(officers=user).values_list("id", flat=True))


def team_patch_ids(user: Any) -> list[int]:
    """ "My patches": every patch in the areas where the user is an officer of a patch.

    A team leader is assigned (as an officer) to the patches of their team's area; this view
    shows the whole area's caseload, not only their own patches.
    """
    areas = Patch.objects.filter(officers=user).values("area_id")
    return list(Patch.objects.filter(area_id__in=areas).values_list("id", flat=True))


def latest_run() -> Run | None:
    """The latest finished run of the landlord's policy (any policy if it has none)."""
    done = Run.objects.filter(status=Run.Status.DONE)
    policy = getattr(settings, "RENTBOOK_POLICY", None)
    if policy:
        run = done.filter(policy=policy).order_by("-as_of", "-id").first()
        if run is not None:
            return run
    return done.order_by("-as_of", "-id").first()


@dataclass(frozen=True)
class PolicyText:
    """What the pages say about a policy's actions and rules, in its own words."""

    title: str
    default: str
    actions: dict[str, tuple[str, str | None]]  # name -> (label, diary code)
    rules: dict[str, str]  # id -> label

    def action_label(self, name: str) -> str:
        return self.actions.get(name, (name.replace("_", " ").capitalize(), None))[0]

    def action_code(self, name: str) -> str | None:
        return self.actions.get(name, ("", None))[1]

    def rule_label(self, rule_id: str) -> str:
        return self.rules.get(rule_id, "")


@lru_cache(maxsize=16)
def policy_text(name: str) -> PolicyText:
    try:
        policy = load_policy(name)
    except PolicyError:
        return PolicyText(title=name, default="no_action", actions={}, rules={})
    return PolicyText(
        title=policy.title,
        default=policy.default,
        actions={a.name: (a.label, a.code) for a in policy.actions.values()},
        rules={r.id: r.label for r in policy.rules},
    )


@dataclass
class Filters:
    view: str = ALL
    action: str = ""
    category: str = ""
    patch: str = ""  # patch code
    band: str = ""
    benefit: str = ""
    show_no_action: bool = False
    #: "risk": highest score first
    sort: str = ""
    #: the watch list: in credit or up to date, with a high score
    watch: bool = False
    #: a band of the falling-behind score (RISK_BANDS)
    risk: str = ""

    @classmethod
    def read(cls, data: Any, user: Any) -> Filters:
        allowed = views_for(user)
        view = data.get("view") or default_view(user)
        if view not in allowed:
            view = allowed[0] if allowed else MINE
        band = data.get("band", "")
        benefit = data.get("benefit", "")
        return cls(
            view=view,
            action=(data.get("action") or "").strip(),
            category=(data.get("category") or "").strip(),
            patch=(data.get("patch") or "").strip(),
            band=band if band in BAND_BY_VALUE else "",
            benefit=benefit if benefit in Benefit.values else "",
            show_no_action=data.get("show") == "all",
            sort="risk" if data.get("sort") == "risk" else "",
            watch=data.get("show") == "watch",
            risk=data.get("risk", "") if data.get("risk", "") in RISK_BY_VALUE else "",
        )

    def query(self, *, page: int | None = None, view: str | None = None) -> str:
        """The query string for these filters (for links, pagination and exports)."""
        from django.http import QueryDict

        q = QueryDict(mutable=True)
        q["view"] = view or self.view
        for key in ("action", "category", "patch", "band", "benefit", "risk"):
            if getattr(self, key):
                q[key] = getattr(self, key)
        if self.show_no_action:
            q["show"] = "all"
        if self.watch:
            q["show"] = "watch"
        if self.sort:
            q["sort"] = self.sort
        if page:
            q["page"] = str(page)
        return q.urlencode()

    @property
    def any(self) -> bool:
        return bool(
            self.action or self.category or self.patch or self.band or self.benefit or self.risk
        ) or (self.show_no_action or self.watch or bool(self.sort))


def recommendations(run: Run, user: Any, filters: Filters) -> QuerySet[Recommendation]:
    """The run's recommendations the filters select, in worktray order."""
    qs = Recommendation.objects.filter(run=run)
    if filters.view == MINE:
        qs = qs.filter(patch_id__in=own_patch_ids(user))
    elif filters.view == PATCHES:
        qs = qs.filter(patch_id__in=team_patch_ids(user))
    if filters.watch:
        # paying their way today, but the score says they are about to fall behind
        qs = qs.filter(balance__lte=0, risk__gte=WATCH_RISK)
    elif not filters.show_no_action and not filters.action:
        qs = qs.exclude(action=policy_text(run.policy).default)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.patch:
        patch_id = Patch.objects.filter(code=filters.patch).values_list("id", flat=True).first()
        qs = qs.filter(patch_id=patch_id if patch_id is not None else -1)
    if filters.band:
        _, _, low, high = BAND_BY_VALUE[filters.band]
        cond = Q()
        if low is not None:
            cond &= Q(balance__gte=low)
        if high is not None:
            cond &= Q(balance__lt=high)
        qs = qs.filter(cond)
    if filters.benefit:
        qs = qs.filter(benefit=filters.benefit)
    if filters.risk:
        _, _, low, high = RISK_BY_VALUE[filters.risk]
        qs = qs.filter(risk__gte=low, risk__lt=high)
    if filters.sort == "risk" or filters.watch:
        return qs.order_by(F("risk").desc(nulls_last=True), "-balance", "id")
    return qs.order_by(*ORDER)


@dataclass
class Row:
    reference: str
    tenants: str
    patch: str
    balance: int
    weeks: float | None
    action: str
    action_label: str
    category: str
    why: str
    reasons: list[str] = field(default_factory=list)
    risk: int | None = None
    risk_reasons: list[str] = field(default_factory=list)


#: The columns of the page and of its exports, in order (no more personal data than shown).
COLUMNS = (
    "Reference",
    "Tenant",
    "Patch",
    "Balance",
    "Weeks of charge",
    "Recommended action",
    "Category",
    "Why",
)


def why(rec: Recommendation, text: PolicyText) -> str:
    """The rule's label, or the first reason when the rule has none (or no rule fired)."""
    label = text.rule_label(rec.rule) if rec.rule else ""
    if label:
        return label
    reasons = rec.reasons or []
    return str(reasons[0]) if reasons else ""


def category_label(value: str) -> str:
    try:
        return str(Category(value).label)
    except ValueError:
        return value


def rows_for(recs: Iterable[Recommendation], run: Run) -> list[Row]:
    """Table rows for these recommendations: three small queries for references and names."""
    recs = list(recs)
    text = policy_text(run.policy)
    found = list(
        Account.objects.filter(id__in={r.account_id for r in recs}).values_list(
            "id", "reference", "tenancy_id"
        )
    )
    accounts = {i: ref for i, ref, _ in found}
    tenancy_of = {i: t for i, _, t in found}
    names: dict[int, list[str]] = {}
    for t in Tenant.objects.filter(tenancy_id__in=set(tenancy_of.values())).order_by(
        "tenancy_id", "person_no"
    ):
        names.setdefault(t.tenancy_id, []).append(t.full_name)
    patches = dict(
        Patch.objects.filter(id__in={r.patch_id for r in recs}).values_list("id", "code")
    )
    why_risky = arrears_reasons(r for r in recs if r.risk is not None)
    return [
        Row(
            reference=accounts.get(r.account_id, ""),
            tenants=" and ".join(names.get(tenancy_of.get(r.account_id, -1), [])),
            patch=patches.get(r.patch_id, ""),
            balance=r.balance,
            weeks=weeks_of_charge(r.balance, r.weekly_charge),
            action=r.action,
            action_label=text.action_label(r.action),
            category=r.category,
            why=why(r, text),
            reasons=list(r.reasons or []),
            risk=r.risk,
            risk_reasons=why_risky.get(r.pk, []),
        )
        for r in recs
    ]


def export_rows(qs: QuerySet[Recommendation], run: Run, chunk: int = 2000) -> Iterator[list[str]]:
    """Every filtered row as plain text cells (money as 1234.56), in worktray order."""
    from rentbook.money import format_plain

    batch: list[Recommendation] = []
    for rec in qs.only(
        "id",
        "account_id",
        "patch_id",
        "action",
        "category",
        "priority",
        "rule",
        "reasons",
        "balance",
        "weekly_charge",
    ).iterator(chunk_size=chunk):
        batch.append(rec)
        if len(batch) == chunk:
            yield from _cells(rows_for(batch, run), format_plain)
            batch = []
    if batch:
        yield from _cells(rows_for(batch, run), format_plain)


def _cells(rows: list[Row], money: Any) -> Iterator[list[str]]:
    for r in rows:
        yield [
            r.reference,
            r.tenants,
            r.patch,
            money(r.balance),
            "" if r.weeks is None else f"{r.weeks:.1f}",
            r.action_label,
            category_label(r.category),
            r.why,
        ]
