"""How arguments and option values read in ``--help``: ``PATH...``, not ``{paths}... <list[str]>``.

typer 0.29 writes a required argument as ``{name}`` in the usage line and appends the Python
type (``<list[str]>``, ``<int>``) to arguments and to options that name no metavar. A person
reads neither. Every argument and option value of bims names a metavar (``PATH``, ``ID``,
``TAG``); these two overrides of typer's help rendering, made once when the CLI is built, print
that name alone: ``PATH...`` for a required argument, ``[ID]...`` for an optional one, choices
as ``text|markdown|html``. ``tests/cli/test_app.py`` reads every command's help and fails on a
``{name}`` or ``<type>``, so a typer that renders help otherwise is noticed.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption


def _argument_name(self: TyperArgument) -> str:
    name = self.display_name_raw.upper() if self.metavar is None else self.metavar
    return name + ("..." if self.nargs != 1 and not name.endswith("...") else "")


def _argument_usage(self: TyperArgument) -> str:
    return _argument_name(self) if self.required else f"[{_argument_name(self)}]"


def _argument_type(self: TyperArgument, ctx: Any) -> str | None:
    return None  # the metavar in the name column says what it is


def _option_value(self: TyperOption, ctx: Any) -> str | None:
    if self.metavar is not None:
        return self.metavar
    if self.type_descriptor.is_choice:
        return str(self.display_type(ctx)).strip("<>")
    return (self.name or "value").upper()


def use_readable_help_names() -> None:
    """Make typer print metavars alone in every help text of this process."""
    TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]
    TyperArgument._rich_display_name = _argument_name  # type: ignore[method-assign]
    TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign, assignment]
    TyperOption.display_type_rich = _option_value  # type: ignore[method-assign]
