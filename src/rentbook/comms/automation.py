"""What the arrears run sends on its own: for each policy action an administrator chose (per
patch, or for every patch), the item of that action's code goes to each account the run
recommended it for, through the same safeguards as an officer's send."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from rentbook.comms import merge
from rentbook.comms.models import AutoSend, Channel, Message
from rentbook.comms.services import BatchResult, current_template, send, send_batch
from rentbook.engine.models import Recommendation, Run
from rentbook.policy.loader import load_policy


def action_codes(policy: str) -> dict[str, str]:
    """Each action of the policy that records a code: {action name: code}."""
    return {a.name: a.code for a in load_policy(policy).actions.values() if a.code}


def send_for_run(run: Run, *, now: datetime, backend: Any = None) -> list[Message]:
    """Send what the administrator chose for this run's recommendations; letters as one batch."""
    chosen = list(AutoSend.objects.filter(policy=run.policy, enabled=True))
    if not chosen:
        return []
    codes = action_codes(run.policy)
    wanted = Q(pk__in=[])
    for choice in chosen:
        if choice.action in codes:
            patch = Q() if choice.patch_id is None else Q(patch_id=choice.patch_id)
            wanted |= Q(action=choice.action) & patch
    recs = (
        Recommendation.objects.filter(run=run)
        .filter(wanted)
        .select_related("account__tenancy__property")
        .order_by("patch_id", "account__reference")
    )
    letters, out = [], []
    for rec in recs:
        code = codes[rec.action]
        language = merge.recipient(rec.account).language
        for channel in (Channel.LETTER, Channel.SMS, Channel.EMAIL):
            template = current_template(code, channel, language)
            if template is None:
                continue
            if channel == Channel.LETTER:
                letters.append((rec.account, template, rec.pk))
            else:
                out.append(
                    send(
                        rec.account,
                        template,
                        now=now,
                        source=Message.Source.RUN,
                        recommendation_id=rec.pk,
                        backend=backend,
                    )
                )
            break
    if letters:
        result: BatchResult = send_batch(
            letters, now=now, source=Message.Source.RUN, backend=backend
        )
        out += result.sent + result.held
    return out
