"""Payment arrangements: income and expenditure, proposals, schedules and breach detection."""

from __future__ import annotations
