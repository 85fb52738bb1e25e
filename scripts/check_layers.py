"""Check that jupyter_rbac's modules import only downward, and that no import cycle exists.

Every import that runs counts, including one inside a function (a cycle "resolved at call
time" is still a cycle); an import under `if TYPE_CHECKING:` does not. Each module belongs to
a layer (the first match in LAYERS); a module may import its own layer and the layers below
it, never one above. Run: python scripts/check_layers.py  (exit status 1 on any problem).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = "jupyter_rbac"

# Lowest first. The names are module prefixes under jupyter_rbac.
LAYERS: list[tuple[str, ...]] = [
    (
        "_version",
        "errors",
        "limits",
        "json_body",
        "config",
        "caches",
    ),  # foundations: nothing of ours
    ("model",),  # the policy's vocabulary, pure
    ("store",),  # the database
    ("events",),  # jupyter_events schemas and the audit trail's emitter
    ("policy", "known_users"),  # effective permissions, compiled and cached
    ("services",),  # use cases and their rules
    ("collaboration",),  # presence and read-only rooms
    ("enforcement",),  # the request path, and each request's context
    ("identity",),  # who a request is (standalone, JupyterHub, OpenID Connect), in its context
    ("sandbox",),  # kernels and terminals inside their user's scopes
    ("labstate",),  # each user's own JupyterLab settings and workspaces
    ("handlers",),  # /api/rbac
    ("cli",),  # jupyter rbac
    ("app", ""),  # the extension, which wires every part (and the package itself)
]


def layer_of(module: str) -> int:
    relative = module[len(PACKAGE) + 1 :] if module != PACKAGE else ""
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if relative == prefix or (prefix and relative.startswith(prefix + ".")):
                return rank
    raise SystemExit(f"{module}: in no layer; add it to LAYERS in {__file__}")


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ours that `module` imports when it runs."""
    found: set[str] = set()
    base = module.split(".") if is_package else module.split(".")[:-1]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:  # `from . import submodule`
                if f"{target}.{alias.name}" in known:
                    found.add(f"{target}.{alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    ours = set()
    for name in found:
        while name and name not in known:  # `from .store.models import X` counts as store.models
            name = name.rpartition(".")[0]
        if name.startswith(PACKAGE) and name != module:
            ours.add(name)
    return ours


def import_graph(root: Path) -> dict[str, set[str]]:
    files = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        if "migrations" in path.parts:  # Alembic's scripts are run by Alembic, not imported
            continue
        files[path] = module_name(path, root)
    known = {name for name, _ in files.values()}
    return {
        name: runtime_imports(ast.parse(path.read_text(), str(path)), name, is_package, known)
        for path, (name, is_package) in files.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                lowlink[node] = min(lowlink[node], lowlink[target])
            elif target in on_stack:
                lowlink[node] = min(lowlink[node], index[target])
        if lowlink[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def problems(root: Path) -> list[str]:
    graph = import_graph(root)
    found = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if target == PACKAGE:  # the package's __init__ only re-exports the extension's hooks
                continue
            if layer_of(target) > layer_of(module):
                found.append(f"upward import: {module} imports {target}")
    found += [f"import cycle: {' <-> '.join(component)}" for component in cycles(graph)]
    return found


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    found = problems(root)
    for problem in found:
        print(problem)
    print(f"{len(found)} problem(s) in {PACKAGE}'s imports")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
