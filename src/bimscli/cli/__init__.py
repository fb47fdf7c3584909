"""The command-line interface: the only part of bims that imports typer and rich."""
