"""Plans: the readiness check of a pair and draft action plans, saved and versioned."""
