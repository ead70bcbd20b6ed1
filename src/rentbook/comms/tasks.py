"""Letter batches as background tasks (comms/letters.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def prepare_letters(request_id: int) -> int | None:
    """Prepare and send the print file a LetterRequest asks for; returns the batch's id."""
    from rentbook.comms.letters import prepare
    from rentbook.comms.models import LetterRequest

    req = LetterRequest.objects.filter(pk=request_id).select_related("run").first()
    if req is None or req.status != LetterRequest.Status.QUEUED:
        return None
    result = prepare(req)
    return result.batch.pk if result and result.batch else None
