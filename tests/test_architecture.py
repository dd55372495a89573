"""The package layout as a specification: the import graph has no cycle, and only `cli/` speaks
to the user (click, print, exit). Read from the sources with `ast`, so a lazy import inside a
function counts the same as one at the top."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "modelguard"

# `python -m modelguard.ruledocs PATH` regenerates docs/rules.md: a maintainer's script whose
# usage line is its whole interface.
SPEAKS_TO_THE_USER_OUTSIDE_CLI = {"modelguard.ruledocs"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(), str(p)) for p in PACKAGE.rglob("*.py")}


MODULES = _modules()


def _imported(name: str, tree: ast.Module) -> Iterator[str]:
    """The modelguard modules `name` imports, anywhere in its body. `from pkg import mod`
    names the submodule when there is one."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in MODULES:
                    yield submodule
                elif node.module in MODULES:
                    yield node.module


def _graph() -> dict[str, set[str]]:
    return {name: set(_imported(name, tree)) - {name} for name, tree in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as the path that closes it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def test_the_import_graph_has_no_cycle() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle or [])


@pytest.mark.parametrize(("graph", "expected"), [
    pytest.param({"a": {"b"}, "b": {"c"}, "c": set()}, None, id="chain"),
    pytest.param({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"], id="two"),
    pytest.param({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"], id="tail"),
])
def test_the_cycle_finder(graph: dict[str, set[str]], expected: list[str] | None) -> None:
    assert _cycle(graph) == expected


def _speaks_to_the_user(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [
                alias.name for alias in node.names]
            found += [f"line {node.lineno}: imports click" for n in names
                      if n is not None and n.split(".")[0] == "click"]
        elif isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            if called in ("print", "sys.exit", "exit", "quit", "os._exit"):
                found.append(f"line {node.lineno}: calls {called}")
    return found


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.startswith("modelguard.cli")
                                        and n not in SPEAKS_TO_THE_USER_OUTSIDE_CLI))
def test_only_cli_speaks_to_the_user(name: str) -> None:
    assert _speaks_to_the_user(MODULES[name]) == []


def test_the_checks_see_what_they_look_for() -> None:
    source = "import click\nimport sys\n\ndef f():\n    print(1)\n    sys.exit(2)\n"
    assert _speaks_to_the_user(ast.parse(source)) == [
        "line 1: imports click", "line 5: calls print", "line 6: calls sys.exit"]
    assert "modelguard.cli.main" in MODULES and "modelguard.fix" in MODULES
