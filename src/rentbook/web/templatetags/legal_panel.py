"""The account page's legal and recovery panel: pre-action checklist, notices, court, eviction,
former tenant account and write-offs. One inclusion tag, so the account view stays as it is."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from rentbook.legal import rules
from rentbook.legal import services as legal
from rentbook.legal.models import CourtCase, Eviction, Notice
from rentbook.recovery import services as recovery
from rentbook.recovery.models import FormerTenantAccount, WriteOff

register = template.Library()


@register.inclusion_tag("web/legal/panel.html", takes_context=True)
def legal_panel(context: dict[str, Any], account: Any) -> dict[str, Any]:
    today = timezone.localdate()
    tenancy = account.tenancy
    current = tenancy.end_date is None or tenancy.end_date >= today
    cases = list(CourtCase.objects.filter(account=account).select_related("notice"))
    evictions = {
        e.court_case_id: (e, legal.eviction_blockers(e, today))
        for e in Eviction.objects.filter(court_case__in=cases).select_related("authorised_by")
    }
    former = FormerTenantAccount.objects.filter(rent_account=account).first()
    former_of = FormerTenantAccount.objects.filter(account=account).first()
    return {
        "account": account,
        "can_change": context.get("can_change"),
        "current": current,
        "jurisdiction": legal.jurisdiction(account),
        "checklist": legal.pre_action_checklist(account, today) if current else [],
        "notices": [
            (n, rules.notice_valid(n.expires_on, n.withdrawn_on, today))
            for n in Notice.objects.filter(account=account)
        ],
        "cases": [(c, evictions.get(c.pk)) for c in cases],
        "serial": legal.serial_decree(account, today),
        "former": former,
        "former_of": former_of,
        "may_open_former": not current
        and former is None
        and former_of is None
        and recovery.balance(account) > 0,
        "write_offs": list(WriteOff.objects.filter(account=account)),
        "outcome_labels": {o.code: o.label for o in rules.OUTCOMES},
    }
