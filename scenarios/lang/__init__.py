"""Language-specific data for scenario extraction."""
