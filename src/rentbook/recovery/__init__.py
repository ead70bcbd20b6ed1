"""Former tenant arrears, tracing, debt recovery agencies, write-offs and their approval."""
