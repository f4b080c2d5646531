"""Server-rendered pages: templates, static assets and the page helpers."""
