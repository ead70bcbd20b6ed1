"""Sending letters, texts and emails: choose the template, check it may go, render, send
through the backend, and write it in the diary. Time is passed in (``now``)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from rentbook.audit.services import acting_as, record
from rentbook.cases.codes import category_of
from rentbook.cases.models import DiaryEntry, Flag
from rentbook.cases.services import active_pause
from rentbook.comms import merge
from rentbook.comms.backends import Notify, Outbox, message_status
from rentbook.comms.backends import backend as make_backend
from rentbook.comms.models import Batch, Channel, Message, Template
from rentbook.comms.pdf import Letter, StatementRow, render_letters
from rentbook.ledger.models import Account
from rentbook.ledger.statements import account_statement
from rentbook.money import format_pounds

STATEMENT_WEEKS = 13
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


def _statement(account: Account, today: date) -> list[StatementRow]:
    start = today - timedelta(weeks=STATEMENT_WEEKS)
    st = account_statement(account, start=start, end=today)
    rows = [
        StatementRow(
            f"{start:%d/%m/%Y}",
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
    values = merge.account_values(account, today=today, officer_name=officer_name)
    subject = merge.fill(template.subject, values)
    body = merge.fill(template.body, values)
    live = settings.RENTBOOK_SEND_LIVE
    who = merge.recipient(account)
    letter = None
    if template.channel == Channel.LETTER:
        lines = who.address_lines if live else settings.RENTBOOK_TEST_ADDRESS.split("|")
        lines = ([who.names] if live and who.names else []) + lines
        to = "\n".join(lines)
        letter = Letter(
            reference=account.reference,
            address_lines=lines,
            date=values["date"],
            subject=subject,
            body=body,
            red=template.red_reminder,
            statement=_statement(account, today) if template.attach_statement else None,
            statement_title=f"Your rent statement for the last {STATEMENT_WEEKS} weeks",
        )
    elif template.channel == Channel.SMS:
        to = who.mobile if live else settings.RENTBOOK_TEST_MOBILE
    else:
        to = who.email if live else settings.RENTBOOK_TEST_EMAIL
    return Content(template, to, live, subject, body, letter)


# ---- safeguards -----------------------------------------------------------------------------


def hold_reasons(account: Account, template: Template, *, now: datetime) -> list[str]:
    """Why this item must not go now: empty if it may."""
    today = now.date()
    reasons = []
    pause = active_pause(account, today)
    if pause is not None:
        reasons.append(f"The case is paused until {pause.until:%-d %B %Y}")
    if any(
        f.type in BREATHING_SPACE
        for f in Flag.objects.filter(account=account, starts_on__lte=today)
        if f.ends_on is None or f.ends_on >= today
    ):
        reasons.append("A breathing space is in force: nothing asking for payment may be sent")
    window = settings.RENTBOOK_DUPLICATE_DAYS
    last = (
        DiaryEntry.objects.filter(
            account=account, code=template.code, at__gt=now - timedelta(days=window), at__lte=now
        )
        .order_by("-at")
        .first()
    )
    if last is not None:
        reasons.append(
            f"Duplicate: {template.code} was already sent on {last.at:%-d %B %Y},"
            f" within {window} days"
        )
    who = merge.recipient(account)
    if template.channel == Channel.LETTER and not complete_address(who.address_lines):
        reasons.append("The address is not complete: it needs a first line and a valid postcode")
    if template.channel == Channel.SMS and uk_mobile(who.mobile) is None:
        reasons.append("There is no valid UK mobile number")
    if template.channel == Channel.EMAIL and "@" not in who.email:
        reasons.append("There is no email address")
    return reasons


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
    return DiaryEntry.objects.create(
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


def _record_sent(
    m: Message, c: Content, sent: Any, *, now: datetime, by: Any, source: str
) -> Message:
    m.status, m.notify_id, m.detail = sent.status, sent.notify_id, sent.detail
    with acting_as(by):
        if sent.status != Message.Status.FAILED:
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
        m.save()
        record(
            "message.sent" if sent.status != Message.Status.FAILED else "message.failed",
            object_type="comms.Message",
            object_id=str(m.pk),
            summary=f"{m.code} {m.channel} {m.status}",
            actor=by,
        )
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
) -> BatchResult:
    """Send letters together: those that may go are rendered into one print file (one letter
    per account, in the order given) and recorded; the others are held with their reasons."""
    be = backend or make_backend()
    held, ready = [], []
    for account, template, rec in items:
        reasons = hold_reasons(account, template, now=now)
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
            c = content(
                account, template, today=now.date(), officer_name=getattr(by, "display_name", "")
            )
            ready.append((account, c, rec))
    if not ready:
        return BatchResult(None, [], held)
    rendered = render_letters([c.letter for _, c, _ in ready if c.letter], processes=processes)
    pages = _split(rendered.pdf, rendered.pages) if isinstance(be, Notify) else None
    sent = []
    with transaction.atomic():
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
            sent.append(_record_sent(m, c, result, now=now, by=by, source=source))
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
    w = csv.writer(out)
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
