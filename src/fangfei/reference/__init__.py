"""Reference data: categories, jurisdictions, departments and the LPR table."""
