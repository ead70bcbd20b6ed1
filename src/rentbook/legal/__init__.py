"""The legal pathway: notices, court cases and orders, warrants, evictions and appeals."""
