"""Former tenant accounts and write-offs: propose, approve or refuse, the committee report.

Thin views: they read the form, call rentbook.recovery.services, and show its errors by field.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from rentbook.ledger.balances import balances_on
from rentbook.ledger.models import Account
from rentbook.money import MoneyError, format_plain, parse_pounds
from rentbook.recovery import services
from rentbook.recovery.models import AgencyReferral, FormerTenantAccount, WriteOff
from rentbook.web import permissions
from rentbook.web.forms import DateField
from rentbook.web.uploads import CSV, upload_problem
from rentbook.web.views.cases import FormErrors

PAGE_SIZE = 50
#: How many of the former tenant letters due the list names (the rest are counted).
DUE_SHOWN = 50


def _refuse_readers(request: HttpRequest) -> None:
    if not permissions.can_change(request.user):
        raise PermissionDenied


def _account(reference: str) -> Account:
    return get_object_or_404(Account.objects.select_related("tenancy"), reference=reference)


def propose_write_off(request: HttpRequest, reference: str) -> HttpResponse:
    _refuse_readers(request)
    account = _account(reference)
    today = timezone.localdate()
    owed = services.balance(account, today) - services.pending_total(account)
    errors = FormErrors()
    values = {"amount": format_plain(max(owed, 0)), "reason": "", "note": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("amount", "reason", "note")}
        amount = None
        if not values["amount"]:
            errors.add("amount", "Enter the amount to write off")
        else:
            try:
                amount = parse_pounds(values["amount"])
            except MoneyError:
                errors.add("amount", "Amount must be an amount of money, like 120.50")
        if values["reason"] not in WriteOff.Reason.values:
            errors.add("reason", "Select the reason for the write-off")
        if not errors:
            try:
                w = services.propose_write_off(
                    account, amount, values["reason"], today, by=request.user, note=values["note"]
                )
            except services.RecoveryError as e:
                for key, message in e.errors.items():
                    errors.add(key, message)
            else:
                messages.success(
                    request,
                    f"Write-off {w.reference} proposed: it needs approval at "
                    f"{w.get_level_display().lower()} level",
                )
                return redirect("web:write-off", pk=w.pk)
    return render(
        request,
        "web/recovery/propose_write_off.html",
        {
            "account": account,
            "owed": owed,
            "values": values,
            "reasons": WriteOff.Reason.choices,
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )


def write_offs(request: HttpRequest) -> HttpResponse:
    rows = WriteOff.objects.select_related("account", "proposed_by", "decided_by")
    pending = [w for w in rows.filter(status=WriteOff.Status.PROPOSED)]
    decided = list(rows.exclude(status=WriteOff.Status.PROPOSED)[:50])
    return render(
        request,
        "web/recovery/write_offs.html",
        {
            "pending": [(w, services.can_approve(w, request.user)) for w in pending],
            "decided": decided,
        },
    )


def write_off(request: HttpRequest, pk: int) -> HttpResponse:
    w = get_object_or_404(
        WriteOff.objects.select_related("account__tenancy", "proposed_by", "decided_by"), pk=pk
    )
    errors = FormErrors()
    committee_ref = ""
    if request.method == "POST":
        _refuse_readers(request)
        committee_ref = request.POST.get("committee_ref", "").strip()
        today = timezone.localdate()
        try:
            if request.POST.get("decision") == "refuse":
                services.refuse_write_off(w, today, by=request.user)
                messages.success(request, f"Write-off {w.reference} refused")
            else:
                services.approve_write_off(w, today, by=request.user, committee_ref=committee_ref)
                messages.success(request, f"Write-off {w.reference} approved and posted")
        except services.RecoveryError as e:
            for key, message in e.errors.items():
                errors.add("committee_ref" if key == "committee_ref" else "decision", message)
        else:
            return redirect("web:write-off", pk=w.pk)
    return render(
        request,
        "web/recovery/write_off.html",
        {
            "w": w,
            "can_approve": services.can_approve(w, request.user),
            "history": services.history(w.account),
            "committee_ref": committee_ref,
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )


def _period(request: HttpRequest) -> tuple[DateField, DateField, list[dict[str, str]]]:
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    if request.GET.get("from-day") is None:
        start = DateField.of("from", "From", date(year, 4, 1))
        end = DateField.of("to", "To", date(year + 1, 3, 31))
    else:
        start = DateField.read(request.GET, "from", "From")  # type: ignore[arg-type]
        end = DateField.read(request.GET, "to", "To")  # type: ignore[arg-type]
    errors = []
    for f in (start, end):
        if f.error or f.value is None:
            f.error = f.error or f"Enter the {f.label.lower()} date"
            errors.append({"id": f.id, "message": f.error})
    if not errors and start.value and end.value and end.value < start.value:
        end.error = "The to date must be on or after the from date"
        errors.append({"id": end.id, "message": end.error})
    return start, end, errors


def committee_report(request: HttpRequest) -> HttpResponse:
    start, end, errors = _period(request)
    ctx: dict[str, object] = {"start": start, "end": end, "errors": errors}
    if request.method == "POST":
        _refuse_readers(request)
        ids = [int(x) for x in request.POST.getlist("write_off") if x.isdigit()]
        ref = request.POST.get("committee_ref", "").strip()
        try:
            done = services.approve_committee_batch(
                ids, timezone.localdate(), by=request.user, committee_ref=ref
            )
        except services.RecoveryError as e:
            key, message = next(iter(e.errors.items()))
            errors.append(
                {"id": "committee_ref" if key == "committee_ref" else "batch", "message": message}
            )
            ctx["batch_error"] = message
        else:
            messages.success(request, f"{len(done)} write-offs approved by the committee")
            return redirect(request.get_full_path())
    if not errors:
        assert start.value and end.value
        rows, total, waiting = services.committee_report(start.value, end.value)
        ctx.update(
            rows=rows,
            total=total,
            waiting=waiting,
            query=request.GET.urlencode(),
            may_decide=services.rules.may_approve(
                getattr(request.user, "role", None), services.rules.COMMITTEE
            ),
        )
    return render(request, "web/recovery/committee_report.html", ctx, status=400 if errors else 200)


def committee_report_csv(request: HttpRequest) -> HttpResponse:
    if not permissions.can_export(request.user):
        raise PermissionDenied
    start, end, errors = _period(request)
    if errors:
        return HttpResponse("; ".join(e["message"] for e in errors), status=400)
    assert start.value and end.value
    response = HttpResponse(
        services.committee_csv(start.value, end.value), content_type="text/csv; charset=utf-8"
    )
    name = f"write-offs-{start.value}-to-{end.value}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def committee_report_pdf(request: HttpRequest) -> HttpResponse:
    if not permissions.can_export(request.user):
        raise PermissionDenied
    start, end, errors = _period(request)
    if errors:
        return HttpResponse("; ".join(e["message"] for e in errors), status=400)
    assert start.value and end.value
    rows, total, waiting = services.committee_report(start.value, end.value)
    html = render_to_string(
        "web/recovery/committee_report_pdf.html",
        {
            "rows": rows,
            "total": total,
            "waiting": waiting,
            "start": start.value,
            "end": end.value,
            "printed_on": timezone.localdate(),
        },
        request=request,
    )
    from rentbook.web import pdf

    try:
        body = pdf.html_to_pdf(html)
    except pdf.PdfTimeout:
        return HttpResponse("The PDF took too long to make.", status=503)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"write-offs-{start.value}-to-{end.value}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def open_former_tenant_account(request: HttpRequest, reference: str) -> HttpResponse:
    _refuse_readers(request)
    account = _account(reference)
    if request.method != "POST":
        return redirect("web:account", reference=reference)
    try:
        fta = services.open_former_tenant_account(account, by=request.user)
    except services.RecoveryError as e:
        messages.error(request, "; ".join(e.errors.values()))
        return redirect("web:account", reference=reference)
    messages.success(request, f"The balance moved to former tenant account {fta.account}")
    return redirect("web:account", reference=fta.account.reference)


def agency_export(request: HttpRequest) -> HttpResponse:
    """The open referrals as the file sent to the agency."""
    if not permissions.can_export(request.user):
        raise PermissionDenied
    referrals = list(
        AgencyReferral.objects.filter(status=AgencyReferral.Status.REFERRED).select_related(
            "former__account__tenancy__property"
        )
    )
    response = HttpResponse(services.agency_export(referrals), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="agency-referrals.csv"'
    return response


def former_tenant_accounts(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    accounts = FormerTenantAccount.objects.select_related("account", "rent_account").order_by(
        "-ended_on", "-pk"
    )
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    owed = balances_on([f.account_id for f in page], today)
    due_ids = services.letters_due_ids(today)
    shown = FormerTenantAccount.objects.select_related("account").in_bulk(due_ids[:DUE_SHOWN])
    return render(
        request,
        "web/recovery/former_tenant_accounts.html",
        {
            "page": page,
            "rows": [(f, owed.get(f.account_id, 0)) for f in page],
            "due": [shown[i] for i in due_ids[:DUE_SHOWN]],
            "due_count": len(due_ids),
        },
    )


def former_tenant(request: HttpRequest, reference: str) -> HttpResponse:
    """Work on one former tenant account: contact and tracing, letters, agency, judgement."""
    account = _account(reference)
    fta = get_object_or_404(FormerTenantAccount, account=account)
    today = timezone.localdate()
    errors = FormErrors()
    form = request.POST.get("form", "") if request.method == "POST" else ""
    values = {
        "forwarding_address": fta.forwarding_address,
        "tracing": fta.tracing,
        "agency": "",
    }
    replied = DateField.of("replied", "Date of the reply", fta.replied_on)
    if form:
        _refuse_readers(request)
        values.update({k: request.POST.get(k, "").strip() for k in ("agency", "tracing")})
        values["forwarding_address"] = request.POST.get("forwarding_address", "").strip()
        by = request.user
        try:
            if form == "contact":
                replied = DateField.read(request.POST, "replied", "Date of the reply")  # type: ignore[arg-type]
                if replied.error:
                    errors.add(replied.id, replied.error)
                else:
                    services.update_contact(
                        fta,
                        by=by,
                        forwarding_address=values["forwarding_address"],
                        tracing=values["tracing"],
                        replied_on=replied.value,
                        on=today,
                    )
            elif form == "letter":
                services.record_letter(fta, today, by=by)
            elif form == "agency":
                services.refer_to_agency(fta, values["agency"], today, by=by)
            elif form == "judgement":
                services.seek_money_judgement(fta, today, by=by)
            else:
                raise PermissionDenied
        except services.RecoveryError as e:
            for key, message in e.errors.items():
                errors.add("agency" if key == "balance" and form == "agency" else key, message)
        if not errors:
            messages.success(request, "Recorded")
            return redirect("web:former-tenant", reference=reference)
    return render(
        request,
        "web/recovery/former_tenant.html",
        {
            "account": account,
            "fta": fta,
            "balance": services.balance(account, today),
            "letter_due": services.letter_due(fta, today),
            "letter_kind": services.letter_kind(fta),
            "static": services.static_balance(fta, today),
            "referrals": list(fta.referrals.all()),
            "judgements": list(fta.judgements.all()),
            "tracing_choices": FormerTenantAccount.Tracing.choices,
            "values": values,
            "replied": replied,
            "errors": errors.summary(),
            "error": errors.by_id,
        },
        status=400 if errors else 200,
    )


def agency_outcomes(request: HttpRequest) -> HttpResponse:
    """Upload an agency's outcomes file; each bad line is listed with its number."""
    _refuse_readers(request)
    result = None
    errors = FormErrors()
    if request.method == "POST":
        upload = request.FILES.get("file")
        problem = upload_problem(upload, CSV, "the agency's outcomes file")
        if problem:
            errors.add("file", problem)
        else:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                errors.add("file", "The file must be a CSV file in UTF-8")
            else:
                result = services.import_agency_outcomes(text, by=request.user)
    return render(
        request,
        "web/recovery/agency_outcomes.html",
        {"result": result, "errors": errors.summary(), "error": errors.by_id},
        status=400 if errors else 200,
    )
