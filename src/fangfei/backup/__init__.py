"""Consistent backups of an installation and their verified restore."""
