"""The policy language: parse, validate, compile and evaluate escalation rules (pure; no models)."""
