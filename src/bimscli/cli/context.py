"""What every command shares: the global options, opening the library, and error reporting."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from bimscli.errors import BimsError
from bimscli.query import Query, query_warnings
from bimscli.store import Library, resolve_library_path

P = ParamSpec("P")
R = TypeVar("R")

console = Console(highlight=False, soft_wrap=True)
# soft_wrap: an error that shows a query with a caret under it must not be re-wrapped.
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class AppState:
    """The global options given before the command."""

    library: str | None = None
    debug: bool = False

    def open_library(self) -> Library:
        """Open the library these options name."""
        return Library.open(resolve_library_path(self.library))


def state(ctx: typer.Context) -> AppState:
    """The global options of this invocation."""
    obj = ctx.find_root().obj
    if isinstance(obj, AppState):
        return obj
    return AppState()


def report_error(message: str) -> None:
    """Print a one-line error to stderr."""
    # The message is the user's text (queries contain [tiab]): never read it as markup.
    err_console.print(f"[bold red]bims: error:[/] {escape(message)}", markup=True, highlight=False)


def report_warning(message: str) -> None:
    """Print a one-line warning to stderr: something worked, but probably not as meant."""
    err_console.print(f"[bold yellow]bims: warning:[/] {escape(message)}", markup=True)


def report_query_warnings(query: Query, text: str, known_tags: Collection[str]) -> None:
    """Warn about what looks wrong in a query that parsed (see :mod:`bimscli.query.checks`)."""
    for warning in query_warnings(query, text, known_tags):
        report_warning(warning)


def bims_command(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`BimsError` into a one-line message and its exit code (``--debug``: raise)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except BimsError as exc:
            if _debug_from(args, kwargs):
                raise
            report_error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            report_error("interrupted; nothing half-written was kept")
            raise typer.Exit(130) from None

    return wrapper


def _debug_from(args: tuple[object, ...], kwargs: dict[str, object]) -> bool:
    # typer hands commands its own Context class; anything with find_root() is one.
    for value in (*args, *kwargs.values()):
        find_root = getattr(value, "find_root", None)
        if callable(find_root):
            obj = find_root().obj
            return isinstance(obj, AppState) and obj.debug
    return False
