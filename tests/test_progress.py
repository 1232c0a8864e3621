"""The one progress bar of mine and download: a bar per file, fed done/total, finished in turn."""

from __future__ import annotations

import io

from logminer.cli import progress
from logminer.cli.progress import ProgressBar


class Recorded:
    """What click.progressbar was asked to draw."""

    def __init__(self, events, length, label, file):
        self.events = events
        events.append(("start", label, length))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.events.append(("finish",))

    def update(self, steps):
        self.events.append(("update", steps))


def test_a_bar_per_name_each_finished_before_the_next(monkeypatch):
    events = []
    monkeypatch.setattr(progress.click, "progressbar", lambda **kw: Recorded(events, **kw))
    bar = ProgressBar()
    for done in (100, 250, 250, 400):
        bar("/var/log/runtime.log", done, 400)
    bar("invoices.download", 7, None)  # no size announced: no bar
    bar.close()
    assert events == [
        ("start", "runtime.log", 400),
        ("update", 100),
        ("update", 150),
        ("update", 150),
        ("finish",),
    ]


def test_no_bar_into_a_pipe_or_a_file(monkeypatch):
    monkeypatch.setattr(progress.sys, "stderr", io.StringIO())
    assert ProgressBar.on_terminal() is None
