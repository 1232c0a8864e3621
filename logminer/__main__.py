"""``python -m logminer``: the same as the ``logminer`` command."""

from .cli import main

main()
