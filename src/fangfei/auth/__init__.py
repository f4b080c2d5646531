"""Users, roles, API tokens and the one permission policy."""
