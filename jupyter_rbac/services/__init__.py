"""Use cases and their rules: what may be created, changed or given, by whom (no escalation,
the last administrator, invitations, policy as code)."""
