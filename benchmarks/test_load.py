"""Issue 17: 50 signed-in officers work the worktray and account pages against the production
server (gunicorn with deploy/gunicorn.conf.py) on PostgreSQL at 100,000 tenancies while the
weekly run and an import execute: no errors, nothing lost, p95 of page views ≤ 1 s.

`pytest -m slow -s benchmarks/test_load.py`. A bounded script on loopback, no load-testing
service: 50 threads, each signed in through the sign-in page as its own officer, each looping
"worktray, a page of the worktray, an account, its statement" with 1-3 s between pages (an
officer reads what they open), for the whole of a `rentbook run` (a day the database has no run
for, so it decides every account) and a `rentbook import transactions` of 5,000 new payments
started beside it. Then: every request answered 200, the run and the import succeeded, and the
import's rows are all in the ledger.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from benchmarks.conftest import ROOT, record_result, run
from benchmarks.test_page_speed import shell_value, with_cases
from benchmarks.test_run_speed import loaded

USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "load-test-officer-1"
LIMIT_MS = 1000.0
#: The batch work runs at the priority deploy/systemd gives the run and the worker (Nice=10):
#: officers' pages come first on a two-core machine.
NICE = ["nice", "-n", "10"]


def _opener() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def _get(opener, path: str) -> tuple[int, float, str]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        with opener.open(BASE + path, timeout=60) as r:
            body = r.read().decode("utf-8", "replace")
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = "", e.code
    except OSError as e:  # a refused or dropped connection is an error too
        body, status = str(e), 0
    return status, time.perf_counter() - started, body


def sign_in(username: str):  # type: ignore[no-untyped-def]
    opener = _opener()
    status, _, page = _get(opener, "/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert status == 200 and token, page[:500]
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD}
    ).encode()
    req = urllib.request.Request(BASE + "/sign-in/", data=data, headers={"Referer": BASE + "/"})
    with opener.open(req, timeout=60) as r:
        assert "/sign-in/" not in r.url, f"{username} was not signed in"
    return opener


def officer(n: int, references: list[str], stop: threading.Event, out: list) -> None:
    opener = sign_in(f"load-officer-{n}")
    rnd = random.Random(n)
    while not stop.is_set():
        ref = rnd.choice(references)
        for path in ("/worktray/", f"/worktray/?page={rnd.randint(1, 40)}",
                     f"/accounts/{ref}/", f"/accounts/{ref}/statement/"):  # fmt: skip
            status, took, _ = _get(opener, path)
            out.append((path.split("?")[0].split("/")[1], status, took))
            if stop.wait(rnd.uniform(1.0, 3.0)):
                break


def payments_file(path: Path, url: str, day: date) -> int:
    refs = json.loads(
        shell_value(
            "import json\nfrom rentbook.portfolio.models import Tenancy\n"
            "print(json.dumps(list(Tenancy.objects.filter(end_date__isnull=True)"
            ".order_by('?').values_list('reference', flat=True)[:5000])))",
            url,
        )
    )
    stamp = int(time.time())
    lines = ["transaction_ref,tenancy_ref,posted_on,kind,amount,method"]
    lines += [f"LOAD{stamp}-{i},{r},{day},payment,-5.00,cash" for i, r in enumerate(refs)]
    path.write_text("\n".join(lines) + "\n")
    return len(refs)


@pytest.mark.slow
def test_fifty_officers_during_a_run_and_an_import(bench_data: Path, tmp_path: Path) -> None:
    url = loaded(bench_data, "postgresql", 5)
    with_cases(bench_data, url, "postgresql")
    shell_value(
        "from rentbook.portfolio.models import Role, User\n"
        f"for n in range({USERS}):\n"
        f"    u, _ = User.objects.get_or_create(username=f'load-officer-{{n}}',"
        " defaults={'role': Role.INCOME_OFFICER})\n"
        f"    u.set_password('{PASSWORD}'); u.save()\nprint('ok')",
        url,
    )
    references = json.loads(
        shell_value(
            "import json\nfrom rentbook.engine.models import Recommendation\n"
            "print(json.dumps(list(Recommendation.objects.order_by('-run_id')"
            ".values_list('account__reference', flat=True)[:2000])))",
            url,
        )
    )
    # a day with no run yet, so the run decides every account while the officers work
    day = date(2026, 11, 16)  # its run, if an earlier load test made one, is removed below
    run(["shell", "-c", f"from rentbook.engine.models import Run\n"
         f"Run.objects.filter(as_of='{day}').delete()"], url)  # fmt: skip
    payments = tmp_path / "payments.csv"
    rows = payments_file(payments, url, date(2026, 11, 21))
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "load-test-" + "x" * 50,
           "ALLOWED_HOSTS": "127.0.0.1", "RENTBOOK_BIND": f"127.0.0.1:{PORT}"}  # fmt: skip
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(60):
            if _get(_opener(), "/health/")[0] in (200, 503):
                break
            time.sleep(0.5)
        results: list = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=officer, args=(n, references, stop, results))
            for n in range(USERS)
        ]
        for t in threads:
            t.start()
        time.sleep(10)  # everyone signed in and working before the run starts
        rentbook = str(Path(sys.executable).with_name("rentbook"))
        benv = {**os.environ, "DATABASE_URL": url}
        started = time.perf_counter()
        jobs = [
            subprocess.Popen([*NICE, rentbook, "run", "--as-of", str(day), "--policy", "hackney"],
                             env=benv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
            subprocess.Popen([*NICE, rentbook, "import", "transactions", str(payments),
                              "--source", "load-test"], env=benv, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True),
        ]  # fmt: skip
        outputs = [j.communicate(timeout=900) for j in jobs]
        busy = time.perf_counter() - started
        time.sleep(5)
        stop.set()
        for t in threads:
            t.join(timeout=120)
    finally:
        server.terminate()
        _, server_err = server.communicate(timeout=60)
    during = results
    times = [t * 1000 for _, s, t in during]
    errors = [(p, s) for p, s, _ in during if s != 200]
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else 0
    posted = int(
        shell_value(
            "from rentbook.ledger.models import Transaction\n"
            "print(Transaction.objects.filter(source='load-test',"
            f" source_ref__startswith='{payments.read_text().splitlines()[1].split('-')[0]}-')"
            ".count())",
            url,
        )
    )
    figures = {
        "users": USERS,
        "requests": len(during),
        "errors": len(errors),
        "p95_ms": round(p95, 1),
        "median_ms": round(statistics.median(times), 1) if times else 0,
        "max_ms": round(max(times), 1) if times else 0,
        "run_and_import_s": round(busy, 1),
        "import_rows": rows,
        "import_rows_in_ledger": posted,
        "by_page_p95_ms": {
            page: round(
                statistics.quantiles([t * 1000 for p, _, t in during if p == page], n=20)[-1], 1
            )
            for page in sorted({p for p, _, _ in during})
        },
        "run_and_import_ok": [j.returncode == 0 for j in jobs],
    }
    record_result("load_postgresql", figures)
    assert all(j.returncode == 0 for j in jobs), outputs
    assert "database is locked" not in server_err
    assert not errors, errors[:20]
    assert posted == rows, (posted, rows)
    assert p95 <= LIMIT_MS, figures
