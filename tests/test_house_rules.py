"""The rules that keep the code's structure: imports point down the layers with no cycle
(scripts/check_layers.py), and what the guard knows of a request lives in its typed context,
never in attributes stamped on handlers or methods replaced on instances."""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "jupyter_rbac"
# Methods that tornado calls on a handler: replacing them on an instance hides the behaviour
# from the class (the guard's websocket mixins are where it belongs).
HANDLER_METHODS = {
    "open",
    "on_close",
    "on_message",
    "event_listener",
    "write_message",
    "prepare",
    "finish",
}


def _checker():
    spec = importlib.util.spec_from_file_location(
        "check_layers", ROOT / "scripts" / "check_layers.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_layers", module)
    spec.loader.exec_module(module)
    return module


def test_imports_point_down_the_layers_without_cycles():
    assert _checker().problems(ROOT) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"model/a.py": "from . import b\n", "model/b.py": "def f():\n    from .a import x\n"},
            "import cycle: jupyter_rbac.model.a <-> jupyter_rbac.model.b",
        ),
        (
            {"model/a.py": "from ..store import x\n", "store/__init__.py": ""},
            "upward import: jupyter_rbac.model.a",
        ),
    ],
)
def test_the_checker_finds_cycles_and_upward_imports(tmp_path, files, expected):
    """A cycle resolved at call time is still a cycle; the model imports nothing above it."""
    for name, text in {"__init__.py": "", "model/__init__.py": "", **files}.items():
        path = tmp_path / "jupyter_rbac" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    problems = _checker().problems(tmp_path)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_an_import_for_type_hints_only_is_no_cycle(tmp_path):
    files = {
        "__init__.py": "",
        "model/__init__.py": "",
        "model/a.py": "from . import b\n",
        "model/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import x\n",
    }
    for name, text in files.items():
        path = tmp_path / "jupyter_rbac" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert _checker().problems(tmp_path) == []


def _stamped(tree: ast.AST) -> list[str]:
    """`x._rbac_... = ...` and `x.<handler method> = ...` on anything but a class body's own name."""
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if not isinstance(target, ast.Attribute):
                continue
            if target.attr.startswith("_rbac_"):
                found.append(f"line {target.lineno}: .{target.attr} =")
            elif target.attr in HANDLER_METHODS and not (
                isinstance(target.value, ast.Name) and target.value.id == "cls"
            ):
                found.append(
                    f"line {target.lineno}: .{target.attr} = (a method replaced on an instance)"
                )
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "setattr"
            and len(node.args) >= 2
        ):
            name = node.args[1]
            named = isinstance(name, ast.Constant) and isinstance(name.value, str)
            if named and (name.value.startswith("_rbac_") or name.value in HANDLER_METHODS):
                found.append(f"line {node.lineno}: setattr(..., {name.value!r})")
    return found


def test_no_state_is_stamped_on_handlers_and_no_method_is_replaced_on_an_instance():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        found = _stamped(ast.parse(path.read_text(), str(path)))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_the_stamp_finder_sees_a_stamp():
    tree = ast.parse(
        "handler._rbac_permissions = p\nhandler.on_message = wrapped\nsetattr(h, '_rbac_x', 1)\n"
    )
    assert len(_stamped(tree)) == 3
