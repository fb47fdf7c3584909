"""``bims config``: show and change the defaults in the user's config file."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bimscli.cli.config import SETTINGS, config_path, read_config, write_setting
from bimscli.cli.context import bims_command, console

config_app = typer.Typer(
    help="Show or change the defaults in the config file (options and environment win).\n\n"
    "Example: bims config set mailto editor@example.org",
    no_args_is_help=True,
)


def show_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show every setting: its value in the file, and what it is for.

    Example: bims config show
    """
    path = config_path()
    values = read_config(path)
    if as_json:
        typer.echo(json.dumps({"path": str(path), "settings": values}, ensure_ascii=False))
        return
    console.print(f"{path}{'' if path.exists() else ' (no file yet)'}", markup=False)
    for name, setting in SETTINGS.items():
        value = json.dumps(values[name], ensure_ascii=False) if name in values else "(not set)"
        console.print(f"  {name} = {value}  # {setting.description}", markup=False)


def set_command(
    name: Annotated[str, typer.Argument(help="The setting (see bims config show).", metavar="KEY")],
    value: Annotated[str, typer.Argument(help="Its new value.", metavar="VALUE")],
) -> None:
    """Set one setting in the config file.

    Example: bims config set mailto editor@example.org
    """
    write_setting(config_path(), name, value)
    console.print(f"{name} = {json.dumps(value, ensure_ascii=False)}", markup=False)


def unset_command(
    name: Annotated[str, typer.Argument(help="The setting to remove.", metavar="KEY")],
) -> None:
    """Remove one setting from the config file.

    Example: bims config unset style
    """
    write_setting(config_path(), name, None)
    console.print(f"{name} removed", markup=False)


def path_command() -> None:
    """Print where the config file is (BIMS_CONFIG, else the XDG config folder).

    Example: bims config path
    """
    typer.echo(str(config_path()))


def register(app: typer.Typer) -> None:
    """Add the command group to the application."""
    config_app.command("show")(bims_command(show_command))
    config_app.command("set")(bims_command(set_command))
    config_app.command("unset")(bims_command(unset_command))
    config_app.command("path")(bims_command(path_command))
    app.add_typer(config_app, name="config")
