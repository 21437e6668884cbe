"""``python -m framing``: the same as the ``framing`` command."""

from framing.cli import main

if __name__ == "__main__":
    main(prog_name="framing")
