"""What every command module shares: the console and the way errors are printed."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from fangfei.errors import FangfeiError

console = Console()


def fail(error: FangfeiError) -> typer.Exit:
    """Print a user-facing error with each problem, and exit non-zero."""
    # Messages quote the user's own cell values: never let them act as rich markup.
    console.print(f"[red]错误：{escape(error.message)}[/red]", soft_wrap=True)
    for problem in error.problems:
        console.print(f"  - {escape(str(problem))}", soft_wrap=True)
    return typer.Exit(code=2)
