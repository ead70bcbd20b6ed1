"""Letters and messages: send one from a case, the batch of letters due, sent items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rentbook.comms import letters, services
from rentbook.comms.automation import action_codes
from rentbook.comms.models import Batch, Channel, LetterRequest, Message, Template
from rentbook.comms.pdf import render_letters
from rentbook.ledger.models import Account
from rentbook.policy.loader import load_policy
from rentbook.portfolio.models import Patch
from rentbook.web import permissions
from rentbook.web import worktray as wt


def _account(reference: str) -> Account:
    return get_object_or_404(
        Account.objects.select_related("tenancy__property"), reference=reference
    )


def _refuse_readers(request: HttpRequest) -> None:
    if not permissions.can_change(request.user):
        raise PermissionDenied


def _pdf(data: bytes, name: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    kind = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{kind}; filename="{name}"'
    return response


def send_item(request: HttpRequest, reference: str) -> HttpResponse:
    """Choose an item, preview it for this account, send it."""
    _refuse_readers(request)
    account = _account(reference)
    choices = services.templates_for(account)
    chosen_id = (request.POST.get("template") or request.GET.get("template") or "").strip()
    template = next((t for t in choices if str(t.pk) == chosen_id), None)
    errors: list[dict[str, str]] = []
    preview: services.Content | None = None
    reasons: list[str] = []
    now = timezone.now()
    if request.method == "POST" or chosen_id:
        if template is None:
            errors.append({"id": "template", "message": "Select the letter or message to send"})
        else:
            preview = services.content(
                account,
                template,
                today=timezone.localdate(),
                officer_name=request.user.display_name,
            )
            reasons = services.hold_reasons(account, template, now=now)
    if request.method == "POST" and template is not None and request.POST.get("send"):
        if reasons:
            errors.append({"id": "send", "message": reasons[0]})
        else:
            m = services.send(account, template, now=now, by=request.user)
            if m.status in (Message.Status.HELD, Message.Status.FAILED):
                errors.append({"id": "send", "message": m.detail or "It could not be sent"})
            else:
                messages.success(request, f"Sent: {template.name} ({m.get_status_display()})")
                return redirect("web:account", reference=account.reference)
    return render(
        request,
        "web/comms/send.html",
        {
            "account": account,
            "tenants": services.merge.recipient(account).names,
            "choices": choices,
            "template": template,
            "preview": preview,
            "reasons": reasons,
            "errors": errors,
            "error": {e["id"]: e["message"] for e in errors},
        },
        status=400 if errors else 200,
    )


def preview_pdf(request: HttpRequest, reference: str, template_id: int) -> HttpResponse:
    account = _account(reference)
    template = get_object_or_404(Template, pk=template_id, channel=Channel.LETTER)
    c = services.content(
        account, template, today=timezone.localdate(), officer_name=request.user.display_name
    )
    assert c.letter is not None
    return _pdf(render_letters([c.letter], processes=1).pdf, f"preview-{reference}.pdf")


def sent_items(request: HttpRequest, reference: str) -> HttpResponse:
    account = _account(reference)
    items = Message.objects.filter(account=account).select_related("template", "sent_by")
    return render(
        request,
        "web/comms/sent.html",
        {"account": account, "tenants": services.merge.recipient(account).names, "items": items},
    )


def message_pdf(request: HttpRequest, message_id: int) -> HttpResponse:
    m = get_object_or_404(Message, pk=message_id)
    if m.pdf is None:
        if m.batch is None or m.first_page is None:
            raise PermissionDenied
        (data,) = services._split(bytes(m.batch.pdf), [(m.first_page, m.last_page or m.first_page)])
        return _pdf(data, f"letter-{m.pk}.pdf")
    return _pdf(bytes(m.pdf), f"letter-{m.pk}.pdf")


def _chosen(request: HttpRequest, run: Any) -> tuple[str, int | None, list[dict[str, str]]]:
    """The letter and patch a request narrows the batch to, each checked."""
    data = request.POST if request.method == "POST" else request.GET
    errors = []
    action = data.get("letter", "").strip()
    if action and action not in action_codes(run.policy):
        errors.append({"id": "letter", "message": "Choose a letter from the list"})
        action = ""
    patch_text = data.get("patch", "").strip()
    patch_id = None
    if patch_text:
        if patch_text.isdigit() and Patch.objects.filter(pk=int(patch_text)).exists():
            patch_id = int(patch_text)
        else:
            errors.append({"id": "patch", "message": "Choose a patch from the list"})
    return action, patch_id, errors


def letters_due(request: HttpRequest) -> HttpResponse:
    """The letters the latest run recommends, as batches: counts by letter and patch, a
    sample to preview, and a print file prepared by a task with its progress."""
    run = wt.latest_run()
    errors: list[dict[str, str]] = []
    ctx: dict[str, Any] = {"run": run}
    if run is not None:
        action, patch_id, errors = _chosen(request, run)
        if request.method == "POST" and not errors:
            _refuse_readers(request)
            n = letters.due(run, action=action, patch_id=patch_id).count()
            if not n:
                errors.append({"id": "letter", "message": "No letters are due for that choice"})
            else:
                letters.ask(run, action=action, patch_id=patch_id, by=request.user)
                messages.success(
                    request,
                    f"The print file of {n:,} letter{'s' if n != 1 else ''} is being prepared."
                    " Its progress is shown below.",
                )
                return redirect("web:comms-letters")
        by_action, by_patch = letters.counts(run)
        names = {a.name: a.label for a in load_policy(run.policy).actions.values()}
        chosen = letters.due(run, action=action, patch_id=patch_id)
        ctx.update(
            by_action=[{**r, "label": names.get(r["action"], r["action"])} for r in by_action],
            by_patch=by_patch,
            total=sum(r["n"] for r in by_action),
            chosen_total=chosen.count(),
            sample=letters.sample(run, action=action, patch_id=patch_id),
            action=action,
            patch_id=patch_id,
        )
    requests = list(LetterRequest.objects.select_related("batch", "requested_by", "patch")[:10])
    ctx.update(
        requests=requests,
        working=any(r.status in ("queued", "running") for r in requests),
        batches=Batch.objects.defer("pdf")[:10],
        can_change=permissions.can_change(request.user),
        is_administrator=permissions.is_administrator(request.user),
        errors=errors,
        error={e["id"]: e["message"] for e in errors},
    )
    return render(request, "web/comms/letters.html", ctx, status=400 if errors else 200)


@permissions.allowed(permissions.can_export)
def batch_pdf(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=batch_id)
    return _pdf(bytes(batch.pdf or b""), f"letters-batch-{batch.pk}.pdf", attachment=True)


@permissions.allowed(permissions.can_export)
def batch_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=batch_id)
    response = HttpResponse(services.manifest_csv(batch), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="letters-batch-{batch.pk}.csv"'
    return response


def _administrator(request: HttpRequest) -> None:
    if not permissions.is_administrator(request.user):
        raise PermissionDenied


def templates_list(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    return render(
        request,
        "web/comms/templates.html",
        {
            "templates": Template.objects.filter(is_current=True).order_by(
                "channel", "code", "language"
            )
        },
    )


def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    """Edit a template's words, preview them against a real account, save a new version."""
    _administrator(request)
    template = get_object_or_404(Template, pk=template_id)
    values: dict[str, Any] = {
        "name": template.name,
        "subject": template.subject,
        "body": template.body,
        "red_reminder": template.red_reminder,
        "attach_statement": template.attach_statement,
        "account": "",
    }
    errors: dict[str, str] = {}
    preview = None
    if request.method == "POST":
        for k in ("name", "subject", "body", "account"):
            values[k] = request.POST.get(k, "").strip()
        values["red_reminder"] = request.POST.get("red_reminder") == "on"
        values["attach_statement"] = request.POST.get("attach_statement") == "on"
        if not values["name"]:
            errors["name"] = "Enter the template's name"
        try:
            services.check_template(values["subject"], values["body"])
        except services.TemplateError as e:
            errors.update(e.errors)
        account = None
        if values["account"]:
            account = Account.objects.filter(reference=values["account"]).first()
            if account is None:
                errors["account"] = "There is no account with that reference"
        elif not request.POST.get("save"):
            errors["account"] = "Enter the reference of an account to preview against"
        if not errors and request.POST.get("save"):
            fields = {
                k: values[k]
                for k in ("name", "subject", "body", "red_reminder", "attach_statement")
            }
            new = services.save_version(template, by=request.user, **fields)
            messages.success(request, f"Saved as version {new.version}")
            return redirect("web:comms-templates")
        if not errors and account is not None:
            draft = Template(
                code=template.code,
                channel=template.channel,
                language=template.language,
                **{
                    k: values[k]
                    for k in ("name", "subject", "body", "red_reminder", "attach_statement")
                },
            )
            preview = services.content(
                account, draft, today=timezone.localdate(), officer_name=request.user.display_name
            )
    return render(
        request,
        "web/comms/template_edit.html",
        {
            "template": template,
            "values": values,
            "fields": services.merge.FIELDS,
            "preview": preview,
            "errors": [{"id": k, "message": v} for k, v in errors.items()],
            "error": errors,
        },
        status=400 if errors else 200,
    )
