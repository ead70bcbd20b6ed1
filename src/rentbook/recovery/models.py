"""Former tenant arrears, tracing, debt recovery agencies, write-offs and their approval."""

from __future__ import annotations
