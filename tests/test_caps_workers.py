"""Caps hold whatever the number of workers: the same methods, arguments, values and exemplars kept,
and the same counts dropped, with 1 worker or several (issue 11: two workers once kept 3,999
arguments under a cap of 2,000, and counted other drops than one)."""

from __future__ import annotations

import random

import pytest

import logminer
from logminer.mining import workers as _workers

METHODS = 60
REQUESTS = 6000


def _log(seed: int) -> bytes:
    """Requests over many methods, each with argument names and values drawn from wide pools, so
    every cap is reached, and reached differently in each part of the file."""
    rng = random.Random(seed)
    out = []
    for number in range(REQUESTS):
        module = f"mod{rng.randrange(METHODS // 3)}"
        method = f"{module}/act{rng.randrange(3)}"
        stamp = f"[{1 + number * 28 // REQUESTS:02d}-Mar-2024 10:{number % 60:02d}:00+0200]"
        lines = [f"{stamp} [webAdmin/#{number}] REQUEST: /{method}", "Array", "("]
        for _ in range(rng.randrange(1, 9)):
            name = f"arg{rng.randrange(80)}"
            if rng.random() < 0.2:
                lines += [
                    f"    [{name}] => Array",
                    "        (",
                    f"            [0] => v{rng.randrange(9)}",
                    "        )",
                    "",
                ]
            else:
                lines.append(f"    [{name}] => {rng.choice(['a', 'b', 'c', str(rng.randrange(10**6))])}")
        lines += [")", ""]
        out.append("\n".join(lines) + "\n")
    return "".join(out).encode()


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    path = tmp_path_factory.mktemp("caps") / "runtime.log"
    path.write_bytes(_log(5))
    return path


def capped() -> logminer.Catalog:
    return logminer.Catalog(
        settings=logminer.Settings(
            max_methods=25, max_arguments=12, max_values=3, max_examples=2, max_exemplars=2
        )
    )


@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_every_cap_gives_the_same_catalog_with_any_number_of_workers(log, monkeypatch, jobs):
    monkeypatch.setattr(_workers, "MIN_PART", 64 << 10)
    one, many = capped(), capped()
    alone = logminer.mine(log, one)
    shared = logminer.mine(log, many, jobs=jobs)
    assert shared.requests == alone.requests == REQUESTS
    kept = one.to_dict()
    assert many.to_dict()["methods"] == kept["methods"]
    assert many.to_dict().get("dropped_methods") == kept.get("dropped_methods")
    # The caps were reached: otherwise this test would show nothing.
    assert len(one.methods) == 25 and kept.get("dropped_methods")
    assert all(len(method.arguments) <= 12 for method in one.methods.values())
    assert any(method.dropped_arguments for method in one.methods.values())
    assert all(len(method.exemplars) <= 2 for method in one.methods.values())


def test_caps_keep_the_same_methods_when_the_log_is_read_in_another_order(log, tmp_path):
    """Which methods a cap keeps depends on the requests seen, not the order they come in: the same
    log with its two halves swapped keeps the same methods and arguments."""
    data = log.read_bytes()
    middle = data.index(b"\n[", len(data) // 2) + 1
    swapped = tmp_path / "swapped.log"
    swapped.write_bytes(data[middle:] + data[:middle])
    one, other = capped(), capped()
    logminer.mine(log, one)
    logminer.mine(swapped, other)
    assert len(one.methods) == 25
    assert sorted(one.methods) == sorted(other.methods)
    for name, method in one.methods.items():
        assert sorted(method.arguments) == sorted(other.methods[name].arguments)
        assert method.dropped_arguments == other.methods[name].dropped_arguments


def test_merging_capped_halves_in_either_order_gives_the_whole(log, tmp_path):
    """`logminer merge` of the catalogs of two halves, either way round, is the catalog of the whole."""
    data = log.read_bytes()
    middle = data.index(b"\n[", len(data) // 2) + 1
    halves = []
    for number, part in enumerate((data[:middle], data[middle:])):
        path = tmp_path / f"half{number}.log"
        path.write_bytes(part)
        catalog = capped()
        logminer.mine(path, catalog)
        halves.append(catalog)
    whole = capped()
    logminer.mine(log, whole)
    for merged in (logminer.merge(*halves), logminer.merge(*reversed(halves))):
        assert merged.to_dict()["methods"] == whole.to_dict()["methods"]
        assert merged.dropped_methods == whole.dropped_methods
