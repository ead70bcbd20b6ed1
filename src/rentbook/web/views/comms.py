"""Letters and messages: send one from a case, the batch of letters due, sent items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rentbook.comms import services
from rentbook.comms.automation import action_codes
from rentbook.comms.models import Batch, Channel, Message, Template
from rentbook.comms.pdf import render_letters
from rentbook.engine.models import Recommendation
from rentbook.ledger.models import Account
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


def _due() -> list[dict[str, Any]]:
    """The latest run's recommendations of a letter that has a template, by patch."""
    run = wt.latest_run()
    if run is None:
        return []
    codes = action_codes(run.policy)
    recs = (
        Recommendation.objects.filter(run=run, category="letter", action__in=list(codes))
        .select_related("account__tenancy__property", "patch")
        .order_by("patch__code", "account__reference")
    )
    out = []
    for rec in recs:
        language = services.merge.recipient(rec.account).language
        template = services.current_template(codes[rec.action], Channel.LETTER, language)
        if template is not None:
            out.append({"rec": rec, "template": template})
    return out


def letters_due(request: HttpRequest) -> HttpResponse:
    """Letters the latest run recommends: select, preview any, send as one print file."""
    due = _due()
    errors: list[dict[str, str]] = []
    result = None
    if request.method == "POST":
        _refuse_readers(request)
        chosen = set(request.POST.getlist("rec"))
        items = [
            (d["rec"].account, d["template"], d["rec"].pk)
            for d in due
            if str(d["rec"].pk) in chosen
        ]
        if not items:
            errors.append({"id": "rec", "message": "Select at least one letter to send"})
        else:
            result = services.send_batch(items, now=timezone.now(), by=request.user)
            if result.batch is not None:
                messages.success(
                    request,
                    f"{len(result.sent)} letters sent in batch {result.batch.pk};"
                    f" {len(result.held)} held",
                )
            else:
                messages.error(request, f"No letters sent: {len(result.held)} held")
    sent_for = set(
        Message.objects.filter(recommendation_id__in=[d["rec"].pk for d in due]).values_list(
            "recommendation_id", flat=True
        )
    )
    return render(
        request,
        "web/comms/letters.html",
        {
            "due": [d for d in due if d["rec"].pk not in sent_for],
            "batches": Batch.objects.all()[:10],
            "is_administrator": permissions.is_administrator(request.user),
            "held": result.held if result else [],
            "errors": errors,
            "error": {e["id"]: e["message"] for e in errors},
        },
        status=400 if errors else 200,
    )


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
