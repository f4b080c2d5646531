"""`fangfei entities …` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="主体档案", no_args_is_help=True)
