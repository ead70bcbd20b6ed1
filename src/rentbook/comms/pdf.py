"""Letters as PDF: many letters per HTML document, rendered in chunks across processes.

WeasyPrint spends most of its time per document, not per page, so a batch renders chunks of
letters as one document each (each letter starting a new page) in parallel child processes,
and joins the chunks' pages with pypdf. Each letter's pages are found from the anchor its
first page carries, so the print file's manifest can say where every letter is.

Only our own static files may be fetched (the logo): a template a manager edits cannot make
the server read a URL or a file.
"""

from __future__ import annotations

import gc
import html
import io
import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

BASE_URL = "https://rentbook.invalid/"
CHUNK = 50
_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


class PdfError(RuntimeError):
    """A letter could not be rendered, or took longer than the time limit."""


def _static_path(url: str) -> Path | None:
    parts, base = urlsplit(url), urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    if not parts.path.startswith(settings.STATIC_URL):
        return None
    relative = unquote(parts.path[len(settings.STATIC_URL) :])
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    return Path(found) if isinstance(found, str) else None


def _fetcher():  # type: ignore[no-untyped-def]
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
            path = _static_path(url)
            if path is None:
                raise ValueError(f"refused to fetch {url!r}: only our static files may be used")
            kind = _TYPES.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return StaticOnly()


def body_html(text: str) -> SafeString:
    """A template's filled-in words as HTML: "# " lines are headings, blank lines part
    paragraphs, other line breaks are kept (as newlines: the letters' paragraphs are
    white-space: pre-line). Everything is escaped first."""
    out = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        block = block.strip("\n")
        if not block.strip():
            continue
        if block.startswith("# "):
            out.append(f"<h2>{html.escape(block[2:].strip())}</h2>")
        else:
            out.append(f"<p>{html.escape(block)}</p>")
    return mark_safe("\n".join(out))


@dataclass(frozen=True)
class StatementRow:
    posted_on: str
    description: str
    debit: str
    credit: str
    balance: str

    @property
    def line(self) -> str:
        return _columns(self.posted_on, self.description, self.debit, self.credit, self.balance)


_WIDTHS = (10, 36, 11, 11, 12)


def _columns(*cells: str) -> str:
    date, words, *money = cells
    text = words if len(words) <= _WIDTHS[1] else words[: _WIDTHS[1] - 1] + "…"
    return f"{date:<{_WIDTHS[0]}}  {text:<{_WIDTHS[1]}}" + "".join(
        f"{m:>{w}}" for m, w in zip(money, _WIDTHS[2:], strict=True)
    )


STATEMENT_HEADER = _columns("Date", "Description", "Charged", "Paid", "Balance")


@dataclass(frozen=True)
class Letter:
    """One letter ready to render: every value is plain text (escaped when rendered)."""

    reference: str
    address_lines: list[str]
    date: str
    subject: str
    body: str
    red: bool = False
    statement: list[StatementRow] | None = None
    statement_title: str = ""


def letters_html(letters: Sequence[Letter], *, first: int = 0) -> str:
    """One HTML document of ``letters``, each starting a page and anchored as l<index>."""
    return render_to_string(
        "comms/letters.html",
        {
            "letters": [
                {
                    "n": first + i,
                    "l": letter,
                    "body": body_html(letter.body),
                    "address": "\n".join(letter.address_lines),
                    "statement": "\n".join(row.line for row in letter.statement or ()),
                }
                for i, letter in enumerate(letters)
            ],
            "landlord": settings.RENTBOOK_LANDLORD_NAME,
            "colour": settings.RENTBOOK_LETTER_COLOUR,
            "logo": settings.RENTBOOK_LETTER_LOGO,
            "office": ", ".join(settings.RENTBOOK_OFFICE_ADDRESS.split("|"))
            + f"\n{settings.RENTBOOK_OFFICE_PHONE} · {settings.RENTBOOK_OFFICE_EMAIL}",
            "statement_header": STATEMENT_HEADER,
        },
    )


def _render_chunk(args: tuple[str, int, int]) -> tuple[bytes, list[int]]:
    """Render one chunk's HTML; the PDF and the number of pages of each of its letters."""

    source, first, count = args
    import weasyprint  # here, not at the top: importing it costs every command a second

    document = weasyprint.HTML(string=source, base_url=BASE_URL, url_fetcher=_fetcher()).render()
    starts: dict[int, int] = {}
    for page_no, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("l") and anchor[1:].isdigit():
                starts.setdefault(int(anchor[1:]) - first, page_no)
    if sorted(starts) != list(range(count)):
        raise PdfError("a letter's first page could not be found")
    bounds = [starts[i] for i in range(count)] + [len(document.pages)]
    return document.write_pdf(), [bounds[i + 1] - bounds[i] for i in range(count)]


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    #: (first page, last page) of each letter, numbered from 1, in order
    pages: list[tuple[int, int]]


def render_letters(
    letters: Sequence[Letter], *, processes: int = 2, chunk: int = CHUNK
) -> Rendered:
    """All ``letters`` as one PDF, in order, rendered in child processes (killed after the
    time limit per chunk)."""
    if not letters:
        raise ValueError("no letters to render")
    jobs = [
        (letters_html(letters[i : i + chunk], first=i), i, len(letters[i : i + chunk]))
        for i in range(0, len(letters), chunk)
    ]
    ctx = multiprocessing.get_context("fork")
    limit = settings.RENTBOOK_PDF_TIMEOUT_SECONDS * max(1, chunk // 10)
    gc.freeze()  # the children need not scan (and so copy) the parent's objects
    try:
        with ctx.Pool(max(1, min(processes, len(jobs)))) as pool:
            try:
                results = pool.map_async(_render_chunk, jobs, chunksize=1).get(limit * len(jobs))
            except multiprocessing.TimeoutError as exc:
                raise PdfError("the letters took too long to render") from exc
    finally:
        gc.unfreeze()
    if len(results) == 1:
        pdf, counts = results[0]
    else:
        from pypdf import PdfWriter

        writer = PdfWriter()
        for chunk_pdf, _ in results:
            writer.append(io.BytesIO(chunk_pdf))
        out = io.BytesIO()
        writer.write(out)
        pdf = out.getvalue()
        counts = [c for _, cs in results for c in cs]
    pages, page = [], 1
    for c in counts:
        pages.append((page, page + c - 1))
        page += c
    return Rendered(pdf, pages)
