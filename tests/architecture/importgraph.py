"""Static import graph of the first-party packages, from ``ast`` (no module is imported).

Every ``import`` statement counts, at module level or inside a function (a lazy import still makes the two
modules depend on each other), and so do ``importlib.import_module("...")`` / ``__import__("...")`` calls with a
literal name (an f-string ``f"pkg.{x}"`` counts as importing every direct submodule of ``pkg``). Imports under
``if TYPE_CHECKING:`` never run; they are kept (``typing_only``) so that each check decides what they mean.

Edges: ``import a.b`` -> ``a.b``; ``from a import b`` -> ``a.b`` when that is a module, else ``a`` (its
``__init__``). Parent packages that Python initialises on the way are not edges: a package ``__init__`` importing
its own submodules is a cycle only if a submodule imports the package back.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("scn", "geo", "assets", "orchestration", "dashboards")


@dataclass(frozen=True)
class Import:
    """One import as written, resolved to absolute names."""

    module: str  # the importing module
    path: Path
    line: int
    target: str  # absolute module named by the statement (``a.b`` in ``from a.b import c``)
    names: tuple[str, ...] = ()  # ``from target import names``; empty for ``import target``
    lazy: bool = False  # inside a function or method
    typing_only: bool = False  # under ``if TYPE_CHECKING:``
    dynamic: bool = False  # importlib.import_module / __import__
    wildcard_children: bool = False  # f-string import: every direct submodule of ``target``

    def where(self, root: Path = REPO) -> str:
        rel = self.path.relative_to(root) if self.path.is_relative_to(root) else self.path
        how = [w for w, on in (("lazy, inside a function", self.lazy), ("dynamic", self.dynamic),
                               ("TYPE_CHECKING only", self.typing_only)) if on]
        stmt = f"from {self.target} import {', '.join(self.names)}" if self.names else f"import {self.target}"
        if self.wildcard_children:
            stmt = f"import_module(f'{self.target}.{{...}}')"
        return f"{rel}:{self.line}: {stmt}" + (f"  ({'; '.join(how)})" if how else "")


def discover(root: Path = REPO, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Module name -> file, for every .py under the packages (``pkg/__init__.py`` is ``pkg``)."""
    modules: dict[str, Path] = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if not all(p.isidentifier() for p in parts):  # __pycache__ is fine, "static-files" is not a package
                continue
            if "__pycache__" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, path: Path, is_package: bool) -> None:
        self.module, self.path, self.is_package = module, path, is_package
        self.found: list[Import] = []
        self.depth = 0  # function nesting
        self.typing = 0  # TYPE_CHECKING nesting

    def _add(self, node: ast.AST, target: str, **kw) -> None:
        self.found.append(Import(self.module, self.path, getattr(node, "lineno", 0), target, lazy=self.depth > 0,
                                 typing_only=self.typing > 0, **kw))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self.typing += 1
            for child in node.body:
                self.visit(child)
            self.typing -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.split(".") if self.is_package else self.module.split(".")[:-1]
            base = base[:len(base) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        self._add(node, target, names=tuple(a.name for a in node.names))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("import_module", "__import__") and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                self._add(node, arg.value, dynamic=True)
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                prefix = str(arg.values[0].value)
                if prefix.endswith("."):
                    self._add(node, prefix[:-1], dynamic=True, wildcard_children=True)
        self.generic_visit(node)


def imports_of(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    collector = _Collector(module, path, path.name == "__init__.py")
    collector.visit(tree)
    return collector.found


def all_imports(modules: dict[str, Path]) -> Iterator[Import]:
    for module, path in modules.items():
        yield from imports_of(module, path)


def _nearest(name: str, modules: dict[str, Path]) -> str | None:
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in modules:
            return candidate
    return None


def targets(imp: Import, modules: dict[str, Path]) -> set[str]:
    """The first-party modules an import makes its module depend on."""
    if imp.wildcard_children:
        return {m for m in modules if m.rsplit(".", 1)[0] == imp.target and m != imp.target}
    if not imp.names:
        found = _nearest(imp.target, modules)
        return {found} if found else set()
    out: set[str] = set()
    for name in imp.names:
        sub = f"{imp.target}.{name}"
        found = sub if name != "*" and sub in modules else _nearest(imp.target, modules)
        if found:
            out.add(found)
    return out


Graph = dict[str, dict[str, list[Import]]]  # module -> imported module -> the imports making that edge


def build_graph(modules: dict[str, Path], include_typing_only: bool = False) -> Graph:
    graph: Graph = {m: {} for m in modules}
    for imp in all_imports(modules):
        if imp.typing_only and not include_typing_only:
            continue
        for target in targets(imp, modules):
            if target != imp.module:
                graph[imp.module].setdefault(target, []).append(imp)
    return graph


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted; components of one module dropped."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return sorted(out, key=lambda c: (-len(c), c))


def shortest_cycle(graph: Graph, component: list[str]) -> list[str]:
    """A shortest cycle through the component's first module, staying inside the component."""
    inside = set(component)
    start = component[0]
    parent: dict[str, str] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt = []
        for node in frontier:
            for child in sorted(graph[node]):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if child in inside and child not in seen:
                    seen.add(child)
                    parent[child] = node
                    nxt.append(child)
        frontier = nxt
    return [start]


def describe_cycles(graph: Graph, components: list[list[str]], root: Path = REPO) -> str:
    lines: list[str] = []
    for n, component in enumerate(components, 1):
        cycle = shortest_cycle(graph, component)
        lines.append(f"cycle {n}: {len(component)} modules import each other: {', '.join(component)}")
        lines.append(f"  e.g. {' -> '.join(cycle)}")
        lines.append("  imports inside the cycle:")
        inside = set(component)
        for module in component:
            for target in sorted(t for t in graph[module] if t in inside):
                for imp in graph[module][target]:
                    lines.append(f"    {module} -> {target}   {imp.where(root)}")
    return "\n".join(lines)
