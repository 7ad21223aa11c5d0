"""After the match: the readiness check of a pair and the draft action plan."""
