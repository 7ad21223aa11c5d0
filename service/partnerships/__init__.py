"""Existing partnerships: next steps for a pair and roll-out through a partner."""
