"""The progress bar of the commands that take a while (``mine``, ``download``): one class for both."""

from __future__ import annotations

import os
import sys
from typing import Any

import click


class ProgressBar:
    """A click progress bar on stderr, fed by a progress callback: ``bar(name, done, total)``.

    One bar per ``name`` (a log file, a download), labelled with its base name; a new name finishes
    the bar before it. Without a ``total`` no bar is drawn. ``close()`` finishes the last one.
    """

    def __init__(self) -> None:
        self._name: str | None = None
        self._bar: Any = None
        self._done = 0

    @classmethod
    def on_terminal(cls) -> ProgressBar | None:
        """A bar when stderr is a terminal, else None (no bar in a log file or a pipe)."""
        return cls() if sys.stderr.isatty() else None

    def __call__(self, name: str, done: int, total: int | None) -> None:
        if name != self._name:
            self.close()
            self._name = name
            if total:
                self._bar = click.progressbar(length=total, label=os.path.basename(name), file=sys.stderr)
                self._bar.__enter__()
        if self._bar is not None and done > self._done:
            self._bar.update(done - self._done)
            self._done = done

    def close(self) -> None:
        """Finish the current bar, if any."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
        self._bar, self._done = None, 0
