"""The ``pasi`` command line: Typer commands, Rich tables and progress bars."""
