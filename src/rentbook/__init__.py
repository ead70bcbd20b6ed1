"""rentbook: income collection and rent-arrears management for social landlords."""
