"""Logs are JSON lines without personal data (rentbook/logs.py)."""

from __future__ import annotations

import io
import json
import logging

import pytest

from rentbook.logs import JsonFormatter


@pytest.fixture
def lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(x) for x in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_s_log_has_its_path_but_not_its_query_string_or_body(
    client, django_user_model, lines
):
    client.force_login(django_user_model.objects.create_user("o", role="income_officer"))
    officer = client
    officer.get("/nowhere/?q=Jane+Smith&postcode=LS1+1AA")
    officer.post("/nowhere/", {"first_name": "Jane", "last_name": "Smith"})
    got = lines()
    assert got and all({"time", "level", "logger", "message"} <= set(x) for x in got)
    assert got[0]["path"] == "/nowhere/" and got[0]["method"] == "GET"
    text = json.dumps(got)
    assert "Jane" not in text and "Smith" not in text and "LS1" not in text


def test_an_exception_is_logged_by_type_and_place_not_by_its_message():
    row = {"name": "Jane Smith", "address": "1 Mill Lane"}
    try:
        raise ValueError(f"tenant {row['name']} of {row['address']} owes £3,100.00")
    except ValueError:
        record = logging.LogRecord("rentbook", logging.ERROR, __file__, 1, "import failed",
                                   None, exc_info=__import__("sys").exc_info())  # fmt: skip
    out = json.loads(JsonFormatter().format(record))
    assert out["error"] == "ValueError" and "test_logs.py" in out["traceback"]
    assert "Jane" not in json.dumps(out) and "Mill Lane" not in json.dumps(out)


def test_a_url_in_a_message_loses_its_query_string():
    record = logging.LogRecord("rentbook", logging.WARNING, __file__, 1,
                               "slow page %s", ("/worktray/?q=Okafor",), None)  # fmt: skip
    out = json.loads(JsonFormatter().format(record))
    assert out["message"] == "slow page /worktray/?…"
