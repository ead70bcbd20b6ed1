"""Housing Benefit schedules (a council's rent rebate, a housing association's rent allowance),
with the state of each claim and the shortfalls (bedroom tax, benefit cap) as facts for the
run (docs/benefits.md)."""
