"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded one)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from ..web.conftest import _fast_password_hashing, make_user  # noqa: F401 (shared fixtures)

# Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures make
# from it are safe because the browser, not Django, owns that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DIST = ROOT / "src" / "rentbook" / "web" / "static" / "dist" / "rentbook.css"


@pytest.fixture(scope="session")
def browser():
    if not DIST.exists():
        pytest.fail("static assets are not built: run `make install` (npm ci + build-assets)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@contextmanager
def policed_page(browser, base_url: str, **options):  # type: ignore[no-untyped-def]
    """A page of the live site (``options`` for its browser context, such as a viewport),
    under its content security policy: fails if the browser refused anything it forbids."""
    context = browser.new_context(base_url=base_url, locale="en-GB", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert not refused, f"the content security policy refused: {refused}"


@pytest.fixture
def page(browser, live_server):
    with policed_page(browser, live_server.url) as p:
        yield p


def check_accessibility(page, *, strict: bool = False) -> None:
    """Fail on any serious or critical axe-core violation on the current page; ``strict``:
    on any violation at all (the tenants' pages: issue 21 asks for none)."""
    # evaluated by the browser's debugger, not as a script on the page, which the policy forbids
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    bad = [v for v in result if strict or v["impact"] in ("serious", "critical")]
    assert not bad, f"accessibility violations on {page.url}: {bad}"
