"""The package's shape (issue 12): folders that follow the pipeline, imports in one direction, no
module leaning on the package's ``__init__``, and ``import logminer`` without Lark or httpx."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict

from tests.helpers import ROOT

PACKAGE = ROOT / "logminer"
# The pipeline's folders, each importing only from those before it: the log's reading, the catalog's
# model, mining (reads the log, counts into the catalog), calls (checked against a catalog), the
# explorer (shows a catalog, sends through the client), the CLI that wraps them all.
STAGES = ["log", "catalog", "mining", "calls", "explorer", "cli"]
# The imports that go the other way, each with its reason.
ALLOWED_BACKWARDS = {
    # The header's component field can hold a session id: the log scrubs it with the catalog's rules.
    ("logminer.log.header", "logminer.catalog.secrets"),
    # An export shows each method's example call, and the HTML export is the explorer's page.
    ("logminer.catalog.export", "logminer.calls.examples"),
    ("logminer.catalog.export", "logminer.explorer"),
    ("logminer.catalog.export", "logminer.explorer.document"),
}


def _modules() -> dict[str, object]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path, modules, *, top_level_only: bool) -> set[str]:
    """The logminer modules ``name`` imports (relative imports resolved), at module level or anywhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    found.add(f"{target}.{alias.name}")
                elif target in modules:
                    found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("logminer"))
    return found


def test_the_folders_are_the_pipeline():
    folders = sorted(path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists())
    assert folders == sorted(STAGES)


def test_no_import_cycle_at_module_level():
    modules = _modules()
    graph = {name: _imports(name, path, modules, top_level_only=True) for name, path in modules.items()}
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the stack, 2 done
    cycles = []

    def visit(name: str, stack: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph.get(name, ())):
            if state[target] == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif state[target] == 0:
                visit(target, [*stack, target])
        state[name] = 2

    for name in sorted(graph):
        if state[name] == 0:
            visit(name, [name])
    assert cycles == []


def test_only_the_cli_imports_the_package_itself():
    modules = _modules()
    leaning = {
        name
        for name, path in modules.items()
        if name != "logminer"
        and not name.startswith("logminer.cli")
        and "logminer" in _imports(name, path, modules, top_level_only=False)
    }
    assert leaning == set()


def test_stages_import_only_from_earlier_stages():
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        parts = name.split(".")
        if len(parts) < 2 or parts[1] not in STAGES:
            continue
        stage = STAGES.index(parts[1])
        for target in _imports(name, path, modules, top_level_only=False):
            other = target.split(".")
            if len(other) < 2 or other[1] not in STAGES:
                continue
            if STAGES.index(other[1]) > stage and (name, target) not in ALLOWED_BACKWARDS:
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_importing_logminer_loads_neither_lark_nor_httpx():
    code = "import sys, logminer; logminer.Catalog; print(sorted({'lark', 'httpx'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
