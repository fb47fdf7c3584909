"""The user's config file: defaults a person would otherwise type every time.

``$XDG_CONFIG_HOME/bims/config.toml`` (normally ``~/.config/bims/config.toml``), or the file
``BIMS_CONFIG`` names, holds a flat table of strings::

    library = "~/curation/bone-mets.sqlite"
    mailto = "editor@example.org"
    style = "apa"

Options win over environment variables, which win over the file: each setting that has an
environment variable (``library`` → ``BIMS_LIBRARY``, ``mailto`` → ``BIMS_MAILTO``) is put in
the environment at start-up only when the variable is not set. Secrets are never kept here:
API keys stay in the environment (``NCBI_API_KEY``, ``S2_API_KEY``).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from bimscli.errors import UsageError

CONFIG_ENV = "BIMS_CONFIG"


@dataclass(frozen=True, slots=True)
class Setting:
    """One key of the config file: what it is for, and the environment variable it fills."""

    name: str
    description: str
    variable: str | None = None


SETTINGS = {
    s.name: s
    for s in (
        Setting("library", "the library file used without --library", "BIMS_LIBRARY"),
        Setting("mailto", "your e-mail for Crossref's polite pool and NCBI", "BIMS_MAILTO"),
        Setting("style", "the style of bims export --format/--by-tag without --style"),
        Setting("editor", "the editor of newsletter issues, as 'NAME, AFFILIATION'"),
        Setting("report", "the report id of newsletter issues (e.g. bims-rebome)"),
        Setting("topic", "the topic line of newsletter issues"),
    )
}
"""Every key the file may hold."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the config file is: ``BIMS_CONFIG``, else the XDG config folder.

    >>> str(config_path({"XDG_CONFIG_HOME": "/cfg"}))
    '/cfg/bims/config.toml'
    """
    env = os.environ if environ is None else environ
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "bims" / "config.toml"


def read_config(path: Path) -> dict[str, str]:
    """The settings in a config file (none when there is no file); a clear error otherwise."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(
            f"cannot read the config file {path}: {error}; fix or remove it"
        ) from error
    unknown = sorted(set(document) - set(SETTINGS))
    if unknown:
        raise UsageError(
            f"the config file {path} has unknown settings {', '.join(unknown)}; "
            f"known: {', '.join(SETTINGS)}"
        )
    wrong = sorted(k for k, v in document.items() if not isinstance(v, str))
    if wrong:
        raise UsageError(f"in the config file {path}, {', '.join(wrong)} must be text in quotes")
    return {k: str(v) for k, v in document.items()}


def write_setting(path: Path, name: str, value: str | None) -> None:
    """Set (or, with ``None``, remove) one setting, keeping the others."""
    if name not in SETTINGS:
        raise UsageError(f"unknown setting {name!r}; known: {', '.join(SETTINGS)}")
    settings = read_config(path)
    if value is None:
        settings.pop(name, None)
    else:
        settings[name] = value
    # json.dumps writes a valid TOML basic string for any text.
    lines = [f"{key} = {json.dumps(settings[key], ensure_ascii=False)}" for key in sorted(settings)]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    partial.replace(path)


def apply_to_environment(settings: Mapping[str, str], environ: MutableMapping[str, str]) -> None:
    """Put settings that have an environment variable into ``environ`` where it is unset.

    >>> env = {"BIMS_MAILTO": "set@example.org"}
    >>> apply_to_environment({"mailto": "file@example.org", "library": "lib.sqlite"}, env)
    >>> env["BIMS_MAILTO"], env["BIMS_LIBRARY"]
    ('set@example.org', 'lib.sqlite')
    """
    for name, value in settings.items():
        variable = SETTINGS[name].variable
        if variable is not None and not environ.get(variable):
            environ[variable] = str(Path(value).expanduser()) if name == "library" else value
