"""Sending letters, texts and emails: choose the template, check it may go, render, send
through the backend, and write it in the diary. Time is passed in (``now``)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, prefetch_related_objects

from rentbook.audit.models import AuditEvent
from rentbook.audit.services import acting_as, created_events, event, record
from rentbook.cases.codes import category_of
from rentbook.cases.models import DiaryEntry, Flag
from rentbook.cases.services import active_pauses
from rentbook.comms import merge
from rentbook.comms.backends import Notify, Outbox, message_status
from rentbook.comms.backends import backend as make_backend
from rentbook.comms.models import Batch, Channel, Message, Template
from rentbook.comms.pdf import Letter, Printer, StatementRow, render_letters
from rentbook.ledger.models import Account
from rentbook.ledger.statements import Statement, statements_for
from rentbook.money import format_pounds
from rentbook.spreadsheet import csv_writer

STATEMENT_WEEKS = 13
#: Accounts whose safeguards and merge fields are read together in a batch (a few queries each
#: time), small enough that the first letters are rendering while the rest are read.
BATCH_SLICE = 100
BREATHING_SPACE = {Flag.Type.BREATHING_SPACE, Flag.Type.MENTAL_HEALTH_CRISIS}
_MOBILE = re.compile(r"^07\d{9}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


class TemplateError(ValueError):
    """What is wrong with a template's words, as {field: message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def uk_mobile(text: str) -> str | None:
    """A UK mobile number as 07…, or None if it is not one."""
    digits = re.sub(r"[\s()-]", "", text or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits if _MOBILE.match(digits) else None


def complete_address(lines: list[str]) -> bool:
    """At least a first line and a valid UK postcode as the last line."""
    return len(lines) >= 2 and bool(_POSTCODE.match(lines[-1].strip().upper()))


# ---- templates ------------------------------------------------------------------------------


def current_template(code: str, channel: str, language: str = "English") -> Template | None:
    """The current version for the language, or the English one if there is none."""
    found = Template.objects.filter(code=code, channel=channel, is_current=True)
    return found.filter(language=language).first() or found.filter(language="English").first()


def templates_for(account: Account) -> list[Template]:
    """The current templates an officer may send, in the tenant's language where there is one."""
    language = merge.recipient(account).language
    keys = (
        Template.objects.filter(is_current=True)
        .values_list("code", "channel")
        .distinct()
        .order_by("channel", "code")
    )
    found = [current_template(code, channel, language) for code, channel in keys]
    return [t for t in found if t is not None]


def check_template(subject: str, body: str) -> None:
    errors: dict[str, str] = {}
    for name, text in (("subject", subject), ("body", body)):
        try:
            merge.check(text)
        except merge.MergeError as exc:
            errors[name] = str(exc)
    if not body.strip():
        errors.setdefault("body", "Enter the words of the template")
    if errors:
        raise TemplateError(errors)


def save_version(template: Template, *, by: Any, **changes: Any) -> Template:
    """Save ``changes`` as a new current version of ``template`` (the old one is kept)."""
    subject = changes.get("subject", template.subject)
    body = changes.get("body", template.body)
    check_template(subject, body)
    with transaction.atomic(), acting_as(by):
        key = {"code": template.code, "channel": template.channel, "language": template.language}
        last = Template.objects.filter(**key).aggregate(v=Max("version"))["v"] or 0
        Template.objects.filter(**key, is_current=True).update(is_current=False)
        fields = {
            f: changes.get(f, getattr(template, f))
            for f in ("name", "subject", "body", "red_reminder", "attach_statement")
        }
        new = Template.objects.create(
            **key, **fields, version=last + 1, is_current=True, created_by=_user(by)
        )
        record(
            "template.version",
            object_type="comms.Template",
            object_id=str(new.pk),
            summary=f"{new} saved",
            before={"version": template.version, "body": template.body},
            after={"version": new.version, "body": new.body},
            actor=by,
        )
    return new


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


# ---- content --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    template: Template
    recipient: str  # address lines joined by newlines, a mobile or an email address
    live: bool
    subject: str
    body: str
    letter: Letter | None


def _statement_rows(st: Statement) -> list[StatementRow]:
    assert st.start is not None
    rows = [
        StatementRow(
            f"{st.start:%d/%m/%Y}",
            "Balance brought forward",
            "",
            "",
            format_pounds(st.opening_balance),
        )
    ]
    for line in st.lines:
        rows.append(
            StatementRow(
                f"{line.posted_on:%d/%m/%Y}",
                line.description,
                format_pounds(line.debit) if line.debit else "",
                format_pounds(line.credit) if line.credit else "",
                format_pounds(line.balance),
            )
        )
    return rows


def content(
    account: Account, template: Template, *, today: date, officer_name: str = ""
) -> Content:
    """What ``template`` says to ``account``'s tenants, and where it goes (test recipients
    unless RENTBOOK_SEND_LIVE is on)."""
    return contents([(account, template)], today=today, officer_name=officer_name)[0]


def contents(
    items: list[tuple[Account, Template]], *, today: date, officer_name: str = ""
) -> list[Content]:
    """:func:`content` of many (account, template) items, reading the database a fixed
    number of times (with the accounts' tenancies and tenants prefetched)."""
    accounts = list({a.pk: a for a, _ in items}.values())
    values = merge.values_for(accounts, today=today, officer_name=officer_name)
    wanted = {a.pk: a for a, t in items if t.channel == Channel.LETTER and t.attach_statement}
    start = today - timedelta(weeks=STATEMENT_WEEKS)
    statements = statements_for(list(wanted.values()), start=start, end=today)
    live = settings.RENTBOOK_SEND_LIVE
    out = []
    for account, template in items:
        subject = merge.fill(template.subject, values[account.pk])
        body = merge.fill(template.body, values[account.pk])
        who = merge.recipient(account)
        letter = None
        if template.channel == Channel.LETTER:
            lines = who.address_lines if live else settings.RENTBOOK_TEST_ADDRESS.split("|")
            lines = ([who.names] if live and who.names else []) + lines
            to = "\n".join(lines)
            st = statements.get(account.pk) if template.attach_statement else None
            letter = Letter(
                reference=account.reference,
                address_lines=lines,
                date=values[account.pk]["date"],
                subject=subject,
                body=body,
                red=template.red_reminder,
                statement=_statement_rows(st) if st is not None else None,
                statement_title=f"Your rent statement for the last {STATEMENT_WEEKS} weeks",
            )
        elif template.channel == Channel.SMS:
            to = who.mobile if live else settings.RENTBOOK_TEST_MOBILE
        else:
            to = who.email if live else settings.RENTBOOK_TEST_EMAIL
        out.append(Content(template, to, live, subject, body, letter))
    return out


# ---- safeguards -----------------------------------------------------------------------------


def hold_reasons(account: Account, template: Template, *, now: datetime) -> list[str]:
    """Why this item must not go now: empty if it may."""
    return hold_reasons_for([(account, template)], now=now)[0]


def hold_reasons_for(items: list[tuple[Account, Template]], *, now: datetime) -> list[list[str]]:
    """:func:`hold_reasons` of many (account, template) items, in a fixed number of queries."""
    today = now.date()
    ids = list({a.pk for a, _ in items})
    pauses = active_pauses(ids, today)
    breathing = set(
        Flag.objects.filter(account_id__in=ids, starts_on__lte=today, type__in=BREATHING_SPACE)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("account_id", flat=True)
    )
    window = settings.RENTBOOK_DUPLICATE_DAYS
    last: dict[tuple[int, str], datetime] = {}
    for account_id, code, at in (
        DiaryEntry.objects.filter(
            account_id__in=ids,
            code__in={t.code for _, t in items},
            at__gt=now - timedelta(days=window),
            at__lte=now,
        )
        .order_by("-at", "-id")
        .values_list("account_id", "code", "at")
    ):
        last.setdefault((account_id, code), at)
    out = []
    for account, template in items:
        reasons = []
        pause = pauses.get(account.pk)
        if pause is not None:
            reasons.append(f"The case is paused until {pause.until:%-d %B %Y}")
        if account.pk in breathing:
            reasons.append("A breathing space is in force: nothing asking for payment may be sent")
        sent_at = last.get((account.pk, template.code))
        if sent_at is not None:
            reasons.append(
                f"Duplicate: {template.code} was already sent on {sent_at:%-d %B %Y},"
                f" within {window} days"
            )
        who = merge.recipient(account)
        if template.channel == Channel.LETTER and not complete_address(who.address_lines):
            reasons.append(
                "The address is not complete: it needs a first line and a valid postcode"
            )
        if template.channel == Channel.SMS and uk_mobile(who.mobile) is None:
            reasons.append("There is no valid UK mobile number")
        if template.channel == Channel.EMAIL and "@" not in who.email:
            reasons.append("There is no email address")
        out.append(reasons)
    return out


# ---- sending --------------------------------------------------------------------------------


def _diary(
    account: Account,
    code: str,
    *,
    now: datetime,
    by: Any,
    source: str,
    status: str,
    note: str,
    rec: int | None,
) -> DiaryEntry:
    """The diary entry recording a sent item, unsaved."""
    return DiaryEntry(
        account=account,
        at=now,
        code=code,
        category=category_of(code),
        note=note,
        officer=_user(by),
        source=DiaryEntry.Source.RUN if source == Message.Source.RUN else DiaryEntry.Source.OFFICER,
        recommendation_id=rec,
        delivery_status=status,
    )


def _message(
    account: Account,
    c: Content,
    *,
    now: datetime,
    by: Any,
    source: str,
    backend: str,
    rec: int | None,
) -> Message:
    return Message(
        account=account,
        template=c.template,
        code=c.template.code,
        channel=c.template.channel,
        created_at=now,
        sent_by=_user(by),
        source=source,
        recommendation_id=rec,
        recipient=c.recipient,
        live=c.live,
        subject=c.subject,
        body=c.body,
        backend=backend,
    )


def _hold(
    account: Account,
    template: Template,
    reasons: list[str],
    *,
    now: datetime,
    by: Any,
    source: str,
    rec: int | None,
    backend: str,
) -> Message:
    with acting_as(by):
        m = Message.objects.create(
            account=account,
            template=template,
            code=template.code,
            channel=template.channel,
            created_at=now,
            sent_by=_user(by),
            source=source,
            recommendation_id=rec,
            recipient="",
            body="",
            backend=backend,
            status=Message.Status.HELD,
            detail="; ".join(reasons)[:300],
        )
        record(
            "message.held",
            object_type="comms.Message",
            object_id=str(m.pk),
            summary=m.detail,
            actor=by,
        )
    return m


def _dispatch(be: Outbox | Notify, m: Message, c: Content, pdf: bytes | None) -> Any:
    ref = f"{m.account.reference}-{c.template.code}"
    if c.template.channel == Channel.LETTER:
        assert pdf is not None
        return be.letter(ref, pdf)
    if c.template.channel == Channel.SMS:
        return be.sms(ref, c.recipient, c.body)
    return be.email(ref, c.recipient, c.subject, c.body)


def _apply_sent(
    m: Message, c: Content, sent: Any, *, now: datetime, by: Any, source: str
) -> DiaryEntry | None:
    """Put what the backend said on ``m``; the diary entry to save with it, unless it failed."""
    m.status, m.notify_id, m.detail = sent.status, sent.notify_id, sent.detail
    if sent.status == Message.Status.FAILED:
        return None
    m.diary_entry = _diary(
        m.account,
        c.template.code,
        now=now,
        by=by,
        source=source,
        status=sent.delivery_status,
        note=(
            f"{c.template.get_channel_display()}: {c.template.name}"
            f" (version {c.template.version}), {m.backend}"
        ),
        rec=m.recommendation_id,
    )
    return m.diary_entry


def _sent_event(m: Message, by: Any) -> AuditEvent:
    return event(
        "message.sent" if m.status != Message.Status.FAILED else "message.failed",
        object_type="comms.Message",
        object_id=str(m.pk),
        summary=f"{m.code} {m.channel} {m.status}",
        actor=by,
    )


def _record_sent(
    m: Message, c: Content, sent: Any, *, now: datetime, by: Any, source: str
) -> Message:
    with acting_as(by):
        entry = _apply_sent(m, c, sent, now=now, by=by, source=source)
        if entry is not None:
            entry.save()
        m.save()
        _sent_event(m, by).save()
    return m


def send(
    account: Account,
    template: Template,
    *,
    now: datetime,
    by: Any = None,
    source: str = Message.Source.OFFICER,
    recommendation_id: int | None = None,
    backend: Outbox | Notify | None = None,
) -> Message:
    """Send one item to one account, or hold it with the reasons it may not go."""
    be = backend or make_backend()
    reasons = hold_reasons(account, template, now=now)
    if reasons:
        return _hold(
            account,
            template,
            reasons,
            now=now,
            by=by,
            source=source,
            rec=recommendation_id,
            backend=be.name,
        )
    c = content(account, template, today=now.date(), officer_name=getattr(by, "display_name", ""))
    pdf = render_letters([c.letter], processes=1).pdf if c.letter is not None else None
    m = _message(account, c, now=now, by=by, source=source, backend=be.name, rec=recommendation_id)
    m.pdf = pdf
    sent = _dispatch(be, m, c, pdf)
    return _record_sent(m, c, sent, now=now, by=by, source=source)


@dataclass(frozen=True)
class BatchResult:
    batch: Batch | None
    sent: list[Message]
    held: list[Message]


def send_batch(
    items: list[tuple[Account, Template, int | None]],
    *,
    now: datetime,
    by: Any = None,
    source: str = Message.Source.OFFICER,
    backend: Outbox | Notify | None = None,
    processes: int = 2,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Send letters together: those that may go are rendered into one print file (one letter
    per account, in the order given) and recorded; the others are held with their reasons.

    The accounts are read a slice at a time and each slice's letters handed to the renderer
    at once, so the child processes render while the rest are read; the messages, diary
    entries and audit events are written with bulk_create.
    """
    be = backend or make_backend()
    officer_name = getattr(by, "display_name", "")
    prefetch_related_objects([a for a, _, _ in items], "tenancy__property", "tenancy__tenants")
    held: list[Message] = []
    ready: list[tuple[Account, Content, int | None]] = []
    with Printer(processes=processes, expected=len(items)) as printer:
        for i in range(0, len(items), BATCH_SLICE):
            part = items[i : i + BATCH_SLICE]
            go = []
            for (account, template, rec), reasons in zip(
                part, hold_reasons_for([(a, t) for a, t, _ in part], now=now), strict=True
            ):
                if reasons:
                    held.append(
                        _hold(
                            account,
                            template,
                            reasons,
                            now=now,
                            by=by,
                            source=source,
                            rec=rec,
                            backend=be.name,
                        )
                    )
                else:
                    go.append((account, template, rec))
            found = contents(
                [(a, t) for a, t, _ in go], today=now.date(), officer_name=officer_name
            )
            ready.extend((a, c, rec) for (a, _, rec), c in zip(go, found, strict=True))
            printer.add([c.letter for c in found if c.letter])
            if progress:
                progress(i + len(part))
        if not ready:
            return BatchResult(None, [], held)
        rendered = printer.result()
    pages = _split(rendered.pdf, rendered.pages) if isinstance(be, Notify) else None
    sent: list[Message] = []
    entries: list[DiaryEntry] = []
    with transaction.atomic(), acting_as(by):
        batch = Batch.objects.create(
            created_at=now,
            created_by=_user(by),
            letters=len(ready),
            pages=rendered.pages[-1][1],
            pdf=rendered.pdf,
        )
        for i, (account, c, rec) in enumerate(ready):
            m = _message(account, c, now=now, by=by, source=source, backend=be.name, rec=rec)
            m.batch, m.batch_position = batch, i + 1
            m.first_page, m.last_page = rendered.pages[i]
            result = _dispatch(be, m, c, pages[i] if pages else b"")
            entry = _apply_sent(m, c, result, now=now, by=by, source=source)
            if entry is not None:
                entries.append(entry)
            sent.append(m)
        DiaryEntry.objects.bulk_create(entries, batch_size=500)
        Message.objects.bulk_create(sent, batch_size=500)
        # bulk_create sends no signals: the diary entries' "create" events are written here
        AuditEvent.objects.bulk_create(
            created_events(entries, actor=by) + [_sent_event(m, by) for m in sent],
            batch_size=500,
        )
    return BatchResult(batch, sent, held)


def _split(pdf: bytes, ranges: list[tuple[int, int]]) -> list[bytes]:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    out = []
    for first, last in ranges:
        writer = PdfWriter()
        for p in range(first - 1, last):
            writer.add_page(reader.pages[p])
        buf = io.BytesIO()
        writer.write(buf)
        out.append(buf.getvalue())
    return out


def manifest_csv(batch: Batch) -> str:
    """The print file's manifest: where each letter is and whom it is for."""
    out = io.StringIO()
    w = csv_writer(out)
    w.writerow(
        [
            "position",
            "account",
            "code",
            "template_version",
            "first_page",
            "last_page",
            "recipient",
            "status",
        ]
    )
    for m in batch.messages.select_related("template").order_by("batch_position"):
        w.writerow(
            [
                m.batch_position,
                m.account.reference,
                m.code,
                m.template.version,
                m.first_page,
                m.last_page,
                m.recipient.replace("\n", ", "),
                m.status,
            ]
        )
    return out.getvalue()


# ---- delivery status ------------------------------------------------------------------------


def check_statuses(notify: Notify) -> int:
    """Ask Notify about every item still on its way; record changes on the message and on the
    diary entry (which the next run reads). Returns how many changed."""
    changed = 0
    for m in Message.objects.filter(backend="notify", status=Message.Status.SENDING).exclude(
        notify_id=""
    ):
        word = notify.status(m.notify_id)
        status = message_status(word)
        entry = m.diary_entry
        if status != m.status or (entry is not None and entry.delivery_status != word):
            m.status = status
            m.save(update_fields=["status"])
            if entry is not None:
                entry.delivery_status = word
                entry.save(update_fields=["delivery_status"])
            changed += 1
    return changed


def tell_tenant(tenant: Any, subject: str, body: str) -> str:
    """Send a short email (or, with no email address, a text) to one tenant about something
    they asked for online; with live sending off it goes to the test recipients, as every
    message does. Returns the backend's status word, or "none" with nowhere to send it."""
    be = make_backend()
    live = settings.RENTBOOK_SEND_LIVE
    reference = f"tenant-{tenant.pk}"
    if tenant.email:
        to = tenant.email if live else settings.RENTBOOK_TEST_EMAIL
        return be.email(reference, to, subject, body).status
    mobile = uk_mobile(tenant.mobile) if tenant.mobile else None
    if mobile:
        return be.sms(reference, mobile if live else settings.RENTBOOK_TEST_MOBILE, body).status
    return "none"
