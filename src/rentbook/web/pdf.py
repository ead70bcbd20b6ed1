"""HTML to PDF with WeasyPrint, safely: only our own static files may be fetched, and a render
that runs too long is stopped."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

#: The base URL documents are rendered against; never fetched over the network.
BASE_URL = "https://rentbook.invalid/"

_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


class PdfTimeout(Exception):
    """Rendering took longer than the time limit and was stopped."""


class StaticOnlyFetcher(URLFetcher):
    """Serves our own static files to WeasyPrint and refuses every other URL.

    A template a manager edits must not be able to make the server fetch from the network or
    read arbitrary files (file:///etc/passwd) into a document.
    """

    def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
        path = static_path(url)
        if path is None:
            raise ValueError(f"refused to fetch {url!r}: only our static files may be used")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _content_type(path)})


def _content_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower(), "application/octet-stream")


def static_path(url: str) -> Path | None:
    """The file a static URL names, or None if the URL is anything but our static files."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    prefix = settings.STATIC_URL
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    if not parts.path.startswith(prefix):
        return None
    relative = unquote(parts.path[len(prefix) :])
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    return Path(found) if isinstance(found, str) else None


def _render(html: str, conn) -> None:  # type: ignore[no-untyped-def]
    try:
        conn.send(
            (
                "ok",
                HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(),
            )
        )
    except Exception as exc:  # the parent reports it; a child must not die silently
        conn.send(("error", repr(exc)))
    finally:
        conn.close()


def html_to_pdf(html: str, *, timeout: float | None = None) -> bytes:
    """Render ``html`` to PDF bytes in a child process that is killed after ``timeout`` seconds.

    WeasyPrint is pure Python and cannot be interrupted from another thread, so the time
    limit needs a process; forking keeps its start-up cost to milliseconds.
    """
    limit = settings.RENTBOOK_PDF_TIMEOUT_SECONDS if timeout is None else timeout
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_render, args=(html, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise PdfTimeout(f"the PDF took longer than {limit} seconds to render")
        status, payload = receiver.recv()
    except EOFError as exc:
        raise RuntimeError("the PDF renderer stopped without a result") from exc
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status != "ok":
        raise RuntimeError(f"the PDF could not be rendered: {payload}")
    return payload
