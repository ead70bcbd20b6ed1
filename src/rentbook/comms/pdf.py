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
import multiprocessing.pool
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

BASE_URL = "https://rentbook.invalid/"
CHUNK = 100
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


def _render_chunk(args: tuple[list[Letter], int]) -> tuple[bytes, list[int]]:
    """Render one chunk of letters (in a child process, HTML and all); the PDF and the number
    of pages of each of its letters."""

    letters, first = args
    # WeasyPrint makes millions of objects a chunk, so the cyclic collector would walk an ever
    # larger heap again and again (40% of the time for 250 letters); it runs once at the end.
    gc.disable()
    try:
        return _render(letters, first)
    finally:
        gc.enable()
        gc.collect()


def _render(letters: list[Letter], first: int) -> tuple[bytes, list[int]]:
    count = len(letters)
    import weasyprint  # here, not at the top: importing it costs every command a second

    source = letters_html(letters, first=first)
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


class Printer:
    """Renders letters into one print file in child processes while more are being prepared.

    ``add`` hands each full chunk to a child at once; ``result`` renders what is left, waits
    (killing the children after the time limit per chunk) and joins the chunks in order::

        with Printer(processes=2, expected=len(letters)) as printer:
            printer.add(letters)
            rendered = printer.result()
    """

    def __init__(self, *, processes: int = 2, chunk: int = CHUNK, expected: int = 0) -> None:
        self.processes = max(1, processes)
        # Up to ``chunk`` letters a document, as many documents for each process, so that no
        # process renders alone at the end while the others wait.
        if expected:
            documents = -(-expected // chunk)
            documents = -(-documents // self.processes) * self.processes
            chunk = -(-expected // documents)
        self.chunk = max(1, chunk)
        self.limit = settings.RENTBOOK_PDF_TIMEOUT_SECONDS * max(1, self.chunk // 10)
        self._waiting: list[Letter] = []
        self._jobs: list[multiprocessing.pool.AsyncResult[tuple[bytes, list[int]]]] = []
        self._count = 0

    def __enter__(self) -> Printer:
        gc.freeze()  # the children need not scan (and so copy) the parent's objects
        self._pool = multiprocessing.get_context("fork").Pool(self.processes)
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.terminate()
        self._pool.join()
        gc.unfreeze()

    def add(self, letters: Sequence[Letter]) -> None:
        self._waiting.extend(letters)
        while len(self._waiting) >= self.chunk:
            self._submit(self._waiting[: self.chunk])
            del self._waiting[: self.chunk]

    def _submit(self, letters: list[Letter]) -> None:
        self._jobs.append(self._pool.apply_async(_render_chunk, ((letters, self._count),)))
        self._count += len(letters)

    def result(self) -> Rendered:
        if self._waiting:
            self._submit(self._waiting)
            self._waiting = []
        if not self._jobs:
            raise ValueError("no letters to render")
        deadline = time.monotonic() + self.limit * len(self._jobs)
        from pypdf import PdfWriter

        # Each chunk is appended as soon as it is ready, while the children render the rest.
        writer = PdfWriter()
        results = []
        try:
            for job in self._jobs:
                results.append(job.get(max(0.0, deadline - time.monotonic())))
                if len(self._jobs) > 1:
                    writer.append(io.BytesIO(results[-1][0]))
        except multiprocessing.TimeoutError as exc:
            raise PdfError("the letters took too long to render") from exc
        if len(results) == 1:
            pdf = results[0][0]
        else:
            out = io.BytesIO()
            writer.write(out)
            pdf = out.getvalue()
        pages, page = [], 1
        for c in (c for _, counts in results for c in counts):
            pages.append((page, page + c - 1))
            page += c
        return Rendered(pdf, pages)


def render_letters(
    letters: Sequence[Letter], *, processes: int = 2, chunk: int = CHUNK
) -> Rendered:
    """All ``letters`` as one PDF, in order, rendered in child processes (killed after the
    time limit per chunk)."""
    if not letters:
        raise ValueError("no letters to render")
    with Printer(processes=processes, chunk=chunk, expected=len(letters)) as printer:
        printer.add(letters)
        return printer.result()
