#!/usr/bin/env python3
"""Print figures about the shape of ``wagtail_gdpr``: modules, sizes, imports inside functions
and import cycles.

Usage, from the repository root::

    .venv/bin/python scripts/layout_figures.py

Migrations are left out: Django writes them. An import inside a function (or method) is one that
runs when the function runs, not when the module is imported; such imports can hide a cycle. A
cycle is a set of modules that import each other, directly or through others (a strongly
connected component of the import graph, imports inside functions included).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "wagtail_gdpr"


def modules() -> dict[str, Path]:
    """Dotted module name -> file, migrations left out."""
    found = {}
    for path in sorted((REPO / PACKAGE).rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    if not level:
        return target or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imports(name: str, path: Path, known: set[str]) -> tuple[set[str], int]:
    """The package's modules ``name`` imports, and how many of those imports sit in functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    in_functions = 0  # imports of this package's own modules, made inside functions

    def visit(node, inside_function: bool):
        nonlocal in_functions
        for child in ast.iter_child_nodes(node):
            nested = inside_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.Import | ast.ImportFrom):
                targets = []
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                else:
                    base = _resolve(name, is_package, child.level, child.module)
                    targets = [base] + [f"{base}.{alias.name}" for alias in child.names]
                ours = [t for t in targets if t == PACKAGE or t.startswith(PACKAGE + ".")]
                if inside_function and ours:
                    in_functions += 1
                for target in ours:
                    while target and target not in known:
                        target = target.rpartition(".")[0]
                    if target and target != name:
                        found.add(target)
            visit(child, nested)

    visit(tree, False)
    return found, in_functions


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def main() -> int:
    found = modules()
    known = set(found)
    graph: dict[str, set[str]] = {}
    in_functions = 0
    for name, path in found.items():
        graph[name], count = imports(name, path, known)
        in_functions += count
    # A package imports its own __init__ implicitly when a submodule is imported: not a cycle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in found.items()
    }
    largest = max(sizes, key=sizes.get)
    top_level = [
        n for n, p in found.items() if p.parent == REPO / PACKAGE and p.name != "__init__.py"
    ]
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    print(f"modules (migrations left out): {len(found)}")
    print(f"top-level modules of {PACKAGE}/: {len(top_level)}")
    print(f"largest module: {largest} ({sizes[largest]} lines)")
    print(f"imports of {PACKAGE} modules made inside functions: {in_functions}")
    print(
        f"import cycles: {len(cycles)}"
        + (f", the largest of {max(len(c) for c in cycles)} modules" if cycles else "")
    )
    for cycle in sorted(cycles, key=len, reverse=True):
        print("  - " + ", ".join(sorted(cycle)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
