"""The site is never served with the development key published in the source."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RENTBOOK = str(Path(sys.executable).with_name("rentbook"))


def serve(**env: str) -> subprocess.CompletedProcess:
    """Load the WSGI application (what runserver, gunicorn and granian do) in a fresh process."""
    base = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "RENTBOOK_DEMO")
    }
    return subprocess.run(
        [sys.executable, "-c", "import rentbook.wsgi"],
        env={**base, **env},
        capture_output=True,
        text=True,
    )


def test_the_site_is_not_served_with_the_development_key():
    done = serve()
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr
    assert "ImproperlyConfigured" in done.stderr


@pytest.mark.parametrize(
    "env",
    [{"SECRET_KEY": "a-long-random-key-" + "x" * 40}, {"RENTBOOK_DEMO": "1"}, {"DEBUG": "1"}],
)
def test_it_is_served_with_a_real_key_in_the_demo_or_with_debug(env):
    done = serve(**env)
    assert done.returncode == 0, done.stderr


def test_commands_still_run_without_a_key_of_their_own(tmp_path):
    base = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env = {**base, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    done = subprocess.run([RENTBOOK, "migrate", "-v0"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


PRODUCTION = {
    "SECRET_KEY": "prod-" + "k8Jd2Lm9Qr4Tx7Vb1Nz6Hc3Wf5Ys0Pg" * 2,
    "ALLOWED_HOSTS": "rentbook.example.org",
    "HTTPS": "1",
    "PROXY_SSL_HEADER": "1",
}


def test_check_deploy_is_clean_under_the_production_settings():
    # as a server's environment is: none of the test run's own settings (pytest-django sets
    # DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests)
    test_only = ("DEBUG", "RENTBOOK_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in test_only}
    done = subprocess.run(
        [RENTBOOK, "check", "--deploy", "--fail-level", "WARNING"],
        env={**base, **PRODUCTION},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout
    # and without HTTPS it says what is missing
    plain = {**base, **PRODUCTION, "HTTPS": "0"}
    done = subprocess.run(
        [RENTBOOK, "check", "--deploy", "--fail-level", "WARNING"],
        env=plain,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "SECURE_SSL_REDIRECT" in done.stderr


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_with_no_inline_script(client):
    for url in ("/sign-in/", "/health/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_template_has_an_inline_script_or_style():
    import re

    templates = Path(__file__).resolve().parents[1] / "src" / "rentbook"
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|<style|\son\w+=\"")
    for path in templates.glob("*/templates/**/*.html"):
        text = path.read_text()
        if "pdf" in path.name or path.is_relative_to(templates / "comms"):
            continue  # rendered to PDF on the server (WeasyPrint), never by a browser
        assert not inline.search(text), path
