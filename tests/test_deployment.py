"""The production server, started as docs/deployment.md says: gunicorn with deploy's settings,
static files collected, compressed and cached, the health check answering."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        return urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as e:
        return e


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "RENTBOOK_DEMO", "HTTPS", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY="deploy-test-" + "Zq8Xw2Rt6Yu1Io9Pa4Sd7Fg3Hj5Kl0Mn" * 2,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        RENTBOOK_BIND=f"127.0.0.1:{port}",
        RENTBOOK_WORKERS="1",
    )
    for args in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = subprocess.run([BIN / "rentbook", *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    proc = subprocess.Popen(
        [BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if get(base + "/health/").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not answer")
        yield base, tmp_path / "static"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
        assert proc.returncode == 0, out.decode()[-2000:]


def test_the_production_server_serves_the_site_health_and_static_files(server):
    base, static = server
    health = get(base + "/health/")
    assert health.status == 200
    assert json.loads(health.read())["status"] == "ok"
    page = get(base + "/sign-in/")
    assert page.status == 200 and b"Sign in" in page.read()
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert get(base + "/").status == 200  # the sign-in page, after the redirect
    manifest = json.loads((static / "staticfiles.json").read_text())["paths"]
    css = next(v for k, v in manifest.items() if k.endswith(".css"))
    asset = get(f"{base}/static/{css}", **{"Accept-Encoding": "gzip"})
    assert asset.status == 200
    assert asset.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in asset.headers["Cache-Control"]
    assert "immutable" in asset.headers["Cache-Control"]
