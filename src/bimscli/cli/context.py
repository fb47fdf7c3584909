"""What every command shares: the global options, opening the library, and error reporting."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar, cast

import typer
from rich.markup import escape

from bimscli.cli.terminal import DataConsole
from bimscli.errors import BimsError, NotFoundError
from bimscli.query import Query, query_warnings
from bimscli.store import Library, resolve_library_path
from bimscli.store.location import LIBRARY_ENV
from bimscli.store.write_lock import LockHolder

P = ParamSpec("P")
R = TypeVar("R")

# Every line bims prints goes through one of these two: control characters in data are shown,
# never sent (bimscli.cli.terminal). soft_wrap: an error that shows a query with a caret under
# it must not be re-wrapped.
console = DataConsole(highlight=False, soft_wrap=True)
err_console = DataConsole(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class AppState:
    """The global options given before the command."""

    library: str | None = None
    debug: bool = False
    settings: dict[str, str] = field(default_factory=dict)
    """The config file's settings (:mod:`bimscli.cli.config`)."""
    activity: str = "a bims command"
    """The command being run, as other writers waiting for it are told."""

    def open_library(self, *, create: bool = False) -> Library:
        """Open the library these options name, for the command being run.

        Only commands that add to a library (``create``) may make a new one, and they say so;
        any other command on a path with no library fails naming the path, so that a mistyped
        ``--library`` never shows an empty library as if it were the user's.
        """
        path = resolve_library_path(self.library)
        existed = path.exists()
        if not existed and not create:
            raise NotFoundError(
                f"no library at {path}; check --library (or {LIBRARY_ENV}), or make one by "
                "adding works: bims ingest FILE"
            )
        library = Library.open(path, activity=self.activity, on_wait=report_waiting)
        if not existed:
            err_console.print(f"created a new library at {escape(str(path))}", style="dim")
        return library


ACTIVITY_LENGTH = 80
"""How much of a command line other writers are shown while they wait for it."""


def describe_command(command_path: str, arguments: Sequence[object]) -> str:
    """What a command does, as writers waiting for it are told: its name and arguments.

    >>> describe_command("bims ingest", ["big.xml", "more.ris"])
    'ingest big.xml more.ris'
    >>> describe_command("bims tag", [])
    'tag'
    """
    text = " ".join([*command_path.split()[1:], *map(str, arguments)]) or "a bims command"
    return text if len(text) <= ACTIVITY_LENGTH else text[: ACTIVITY_LENGTH - 1] + "…"


def command_activity(ctx: typer.Context) -> str:
    """The command ``ctx`` runs, with the values of its arguments (not its options)."""
    arguments: list[object] = []
    for param in ctx.command.params:
        if param.param_type_name == "argument":
            value = ctx.params.get(param.name or "")
            arguments.extend(value if isinstance(value, list | tuple) else [value])
    return describe_command(ctx.command_path, [a for a in arguments if a is not None])


def report_waiting(holder: LockHolder | None) -> None:
    """Say on stderr, once per holder, that this command waits for another writer."""
    if holder is None:
        message = "waiting for another program to finish writing to the library"
    else:
        message = f"waiting for another bims to finish: {holder.describe()}"
    # Command lines hold file names, and file names may hold escape sequences: never pass
    # one to the terminal.
    printable = "".join(c if c.isprintable() else "?" for c in message)
    err_console.print(printable, markup=False, highlight=False)


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
        _note_activity(args, kwargs)
        try:
            return func(*args, **kwargs)
        except BimsError as exc:
            if _debug_from(args, kwargs):
                raise
            report_error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:  # also while waiting for another writer: nothing begun yet
            report_error("interrupted; nothing half-written was kept")
            raise typer.Exit(130) from None

    return wrapper


def _context_from(args: tuple[object, ...], kwargs: dict[str, object]) -> typer.Context | None:
    """The command's context among its arguments."""
    # typer hands commands the click Context that typer.Context extends (same attributes);
    # anything with find_root() is one.
    for value in (*args, *kwargs.values()):
        if callable(getattr(value, "find_root", None)):
            return cast(typer.Context, value)
    return None


def _debug_from(args: tuple[object, ...], kwargs: dict[str, object]) -> bool:
    ctx = _context_from(args, kwargs)
    obj = ctx.find_root().obj if ctx is not None else None
    return isinstance(obj, AppState) and obj.debug


def _note_activity(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    """Keep what the command does in the global state, for writers that may wait for it."""
    ctx = _context_from(args, kwargs)
    obj = ctx.find_root().obj if ctx is not None else None
    if ctx is not None and isinstance(obj, AppState):
        obj.activity = command_activity(ctx)
