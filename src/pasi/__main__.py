"""``python -m pasi`` runs the command line."""

from pasi.cli.main import run

if __name__ == "__main__":
    run()
