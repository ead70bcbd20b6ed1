"""Structured logs without personal data: one JSON object a line (time, level, logger,
message, and for a request its method, path and status), for a council's log collector.

What is never written: query strings (a search for a tenant's name travels in one), request
bodies, cookies and headers, and the values Django attaches to a request's log record. A path
keeps its account reference (an identifier, needed to follow a problem), not a name. Messages
are rentbook's own; the axes sign-in throttle, which logs usernames, is kept at ERROR in
settings.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime

#: A URL's query string, wherever it appears in a message.
_QUERY = re.compile(r"(\?[^\s\"']*)")
#: Record attributes a formatter may pass on (everything else, such as ``request``, is not).
_SAFE_EXTRA = ("status_code", "run", "batch", "set", "seconds", "rows")


def scrub(text: str) -> str:
    return _QUERY.sub("?…", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            out["method"] = getattr(request, "method", "")
            out["path"] = request.path  # the path alone: no query string, body or headers
        for key in _SAFE_EXTRA:
            value = getattr(record, key, None)
            if isinstance(value, int | float | str):
                out[key] = value
        if record.exc_info:
            kind, _, tb = record.exc_info
            # the exception's type and where it was raised, not its message: a message can
            # hold the values of the row or form that failed
            out["error"] = getattr(kind, "__name__", str(kind))
            out["traceback"] = "".join(traceback.format_tb(tb))
        return json.dumps(out, ensure_ascii=False)
