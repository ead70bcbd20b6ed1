"""Performance indicators, targets, trend series, dashboards and committee reports."""

from __future__ import annotations
