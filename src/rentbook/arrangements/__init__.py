"""Payment arrangements: income and expenditure, proposals, schedules and breach detection."""
