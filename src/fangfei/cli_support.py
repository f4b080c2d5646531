"""What every command module shares: the console and the way errors are printed."""

from __future__ import annotations

import typer
from rich.console import Console

from fangfei.errors import FangfeiError

console = Console()


def fail(error: FangfeiError) -> typer.Exit:
    """Print a user-facing error with each problem, and exit non-zero."""
    console.print(f"[red]错误：{error.message}[/red]")
    for problem in error.problems:
        console.print(f"  - {problem}")
    return typer.Exit(code=2)
