"""Performance indicators, targets, trend series, dashboards and committee reports."""
