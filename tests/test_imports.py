"""The package's import graph has no circle.

A circle works only as long as every module in it is imported in the right order and uses the
others' names late (inside functions); one top-level `from .x import y` added later breaks it
with a partly initialised module. The graph is read from the source with `ast`, module-level
imports only (imports inside functions are lazy and cannot form a circle at import time), so
the check needs no import and no optional dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scenarios

PACKAGE = Path(scenarios.__file__).resolve().parent

def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name (`scenarios.web.app`, `scenarios.web` for its `__init__`)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports run when the module is imported: at top level or in a top-level if/try/with block."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for block in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(node, block, []))
        elif isinstance(node, ast.ExceptHandler):
            pending.extend(node.body)
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that module `name` imports at module level.

    `from pkg import sub` counts as importing `pkg.sub` when `sub` is a module, else `pkg` itself
    (the name is then read from the package's `__init__`). Importing `pkg.sub` runs `pkg`'s
    `__init__` first, so it counts as importing `pkg` too, unless `pkg` holds `name` (then it is
    already being imported). Imports under `if TYPE_CHECKING:` count too: a circle of type hints
    is still a circle a reader has to untangle.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
            continue
        base = package
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        source = ".".join(p for p in (base if node.level else "", node.module or "") if p)
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            targets.add(submodule if submodule in modules else source)
    own = set(_ancestors(name))
    targets |= {a for t in targets for a in _ancestors(t) if a not in own}
    return {t for t in targets if t in modules and t != name}


def _ancestors(name: str) -> list[str]:
    """The packages holding module `name`: `a.b.c` -> `a`, `a.b`."""
    parts = name.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports at module level."""
    modules = module_names(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle in `graph` as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_package_import_graph_has_no_circle() -> None:
    graph = import_graph()
    assert "scenarios.web.app" in graph and "scenarios.web.context" in graph["scenarios.web.pages"]
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_web_blueprints_reach_the_app_only_through_context() -> None:
    graph = import_graph()
    blueprints = {"add", "export", "pages", "recluster", "scenario_page", "story_page"}
    assert {f"scenarios.web.{b}" for b in blueprints} <= graph["scenarios.web.app"]
    for name, targets in graph.items():
        if name.startswith("scenarios.web.") and name != "scenarios.web.app":
            assert "scenarios.web.app" not in targets, name
            assert "scenarios.web" not in targets, name
    extensions = graph["scenarios.web.context"] & {n for n in graph if n.startswith("scenarios.web.")}
    assert {"scenarios.web.components", "scenarios.web.digest_page", "scenarios.web.jobs"} <= extensions
    for name in extensions:
        reached = {t for t in graph[name] if t.startswith("scenarios.web")}
        assert not reached & ({f"scenarios.web.{b}" for b in blueprints} | {"scenarios.web.context"}), name


@pytest.mark.parametrize(("sources", "cycle"), [
    ({"a.py": "from . import b\n", "b.py": "from .c import f\n", "c.py": "from .a import g\n"},
     ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]),
    ({"a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
      "b.py": "import pkg.a\n"}, ["pkg.a", "pkg.b", "pkg.a"]),
    ({"a.py": "def f():\n    from .b import g\n", "b.py": "from .a import f\n"}, None),
    ({"__init__.py": "from .a import f\n", "a.py": "from .sub import x\n", "sub/__init__.py": "from ..b import y\n",
      "b.py": "x = 1\n"}, None),
    ({"sub/__init__.py": "from .. import a\n", "a.py": "from .sub.deep import z\n", "sub/deep.py": "z = 1\n"},
     ["pkg.a", "pkg.sub", "pkg.a"]),
    ({"__init__.py": "from . import sub\n", "sub/__init__.py": "from .deep import z\n",
      "sub/deep.py": "from ..b import y\n", "b.py": "y = 1\n"}, None),
])
def test_the_cycle_check_finds_circles_and_only_circles(tmp_path: Path, sources: dict[str, str],
                                                        cycle: list[str] | None) -> None:
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", **sources}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    for folder in {p.parent for p in root.rglob("*.py")}:
        (folder / "__init__.py").touch()
    assert find_cycle(import_graph(root)) == cycle
