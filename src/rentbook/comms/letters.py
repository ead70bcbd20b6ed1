"""The letters a run recommends, as batches: counted by letter and patch, a sample to
preview, and one print file prepared by a task (comms/tasks.py) with its progress stored on a
LetterRequest. A run of 100,000 accounts recommends thousands of letters: a page listing each
one took 23 s and 9 MB."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from rentbook.comms import merge
from rentbook.comms.automation import action_codes
from rentbook.comms.models import Channel, LetterRequest, Message, Template
from rentbook.comms.services import BatchResult, current_template, send_batch
from rentbook.engine.models import Recommendation, Run

#: How many of the letters due the page shows to preview.
SAMPLE = 20


def due(run: Run, *, action: str = "", patch_id: int | None = None) -> QuerySet[Recommendation]:
    """The run's letter recommendations with a letter code, not yet sent, in print order."""
    codes = action_codes(run.policy)
    recs = Recommendation.objects.filter(
        run=run, category="letter", action__in=[action] if action else list(codes)
    ).filter(~Exists(Message.objects.filter(recommendation_id=OuterRef("pk"))))
    if patch_id is not None:
        recs = recs.filter(patch_id=patch_id)
    return recs.order_by("patch__code", "account__reference")


def counts(run: Run) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """How many letters are due, by letter and by patch (one grouped query each)."""
    recs = due(run)
    by_action = list(recs.order_by().values("action").annotate(n=Count("id")).order_by("action"))
    by_patch = list(
        recs.order_by()
        .values("patch_id", "patch__code", "patch__name")
        .annotate(n=Count("id"))
        .order_by("patch__code")
    )
    return by_action, by_patch


def template_for(rec: Recommendation, codes: dict[str, str]) -> Template | None:
    language = merge.recipient(rec.account).language
    return current_template(codes[rec.action], Channel.LETTER, language)


def sample(run: Run, *, action: str = "", patch_id: int | None = None) -> list[dict[str, Any]]:
    codes = action_codes(run.policy)
    recs = due(run, action=action, patch_id=patch_id).select_related(
        "account__tenancy__property", "patch"
    )[:SAMPLE]
    return [{"rec": r, "template": template_for(r, codes)} for r in recs]


def ask(run: Run, *, action: str, patch_id: int | None, by: Any) -> LetterRequest:
    """Queue the print file of the letters chosen (the task picks them when it starts)."""
    from django.db import transaction

    from rentbook.comms.tasks import prepare_letters

    req = LetterRequest.objects.create(
        run=run,
        action=action,
        patch_id=patch_id,
        total=due(run, action=action, patch_id=patch_id).count(),
        requested_by=by if getattr(by, "pk", None) else None,
        created_at=timezone.now(),
    )
    transaction.on_commit(lambda: prepare_letters.enqueue(req.pk))
    return req


def prepare(req: LetterRequest) -> BatchResult | None:
    """Send the request's letters as one batch (each account's safeguards checked as it goes:
    those that may not go are held with their reasons), recording progress on the request."""
    LetterRequest.objects.filter(pk=req.pk).update(status=LetterRequest.Status.RUNNING)
    try:
        codes = action_codes(req.run.policy)
        recs = due(req.run, action=req.action, patch_id=req.patch_id).select_related(
            "account__tenancy__property"
        )
        items = []
        for rec in recs.iterator(2000):
            template = template_for(rec, codes)
            if template is not None:
                items.append((rec.account, template, rec.pk))
        LetterRequest.objects.filter(pk=req.pk).update(total=len(items))

        def progress(n: int) -> None:
            LetterRequest.objects.filter(pk=req.pk).update(done=n)

        result = (
            send_batch(items, now=timezone.now(), by=req.requested_by, progress=progress)
            if items
            else None
        )
        LetterRequest.objects.filter(pk=req.pk).update(
            status=LetterRequest.Status.DONE,
            done=len(items),
            held=len(result.held) if result else 0,
            batch=result.batch if result else None,
            finished_at=timezone.now(),
        )
        return result
    except Exception as e:
        LetterRequest.objects.filter(pk=req.pk).update(
            status=LetterRequest.Status.FAILED,
            message=f"{type(e).__name__}: {e}"[:2000],
            finished_at=timezone.now(),
        )
        raise
