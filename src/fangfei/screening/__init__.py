"""筛查 — screening of enterprise names and scopes, promotional texts and loan contracts."""
