"""The package's layout is its architecture: every module lies in one of the layers declared in
``helpers/__init__.py`` (``LAYERS``, lowest first) or in the façade (``FACADE``); a module imports
only its own layer and earlier ones; no layer imports the façade; so no cycle runs between layers.

The import graph is drawn from the source (``ast``), nothing is imported: every ``import`` and
``from … import`` anywhere in a module (in functions too, and under ``TYPE_CHECKING``), relative
ones resolved, and every string that names a module (``importlib.import_module("helpers.x")``,
``-m``, ``helpers.x``, ``"helpers.x:main"`` in the command table). Code sent to a kernel as text
(the warm-up's ``import helpers.report``) runs in the notebook's process, not the module's, and
prose in docstrings imports nothing: neither is an edge.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "helpers"
MODULE_STRING = re.compile(r"helpers(?:\.\w+)+(?::\w+)?")


def _declared(name: str) -> tuple[str, ...]:
    tree = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError(f"helpers/__init__.py declares no {name}")


LAYERS = _declared("LAYERS")
FACADE = _declared("FACADE")


def _modules() -> dict[str, Path]:
    """Dotted name → file, for every module and package of src/helpers (not templates/)."""
    modules = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        if "templates" in rel.parts or "__pycache__" in rel.parts:
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module a dotted name refers to: itself, or the module holding the attribute."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value.split(":")[0]] if MODULE_STRING.fullmatch(node.value) else []
        for name in names:
            target = _resolve(name) if name.startswith("helpers.") else None
            if target and target != module:
                found.add(target)
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _place(module: str) -> str:
    """The layer a module lies in, ``façade`` for the façade, or ``?`` for neither."""
    parts = module.split(".")
    if len(parts) == 1:
        return "façade"  # the package root: version and this declaration only
    if parts[1] in LAYERS:
        return parts[1]
    return "façade" if parts[1] in FACADE else "?"


def test_every_module_lies_in_a_declared_layer_or_the_facade() -> None:
    assert LAYERS and len(set(LAYERS)) == len(LAYERS)
    assert [m for m in MODULES if _place(m) == "?"] == []
    for layer in LAYERS:
        assert f"helpers.{layer}" in MODULES, f"layer {layer} has no package"
        assert any(m.startswith(f"helpers.{layer}.") for m in MODULES), f"layer {layer} is empty"


def test_each_layer_says_what_it_owns_and_may_import() -> None:
    for position, layer in enumerate(LAYERS):
        doc = ast.get_docstring(ast.parse(MODULES[f"helpers.{layer}"].read_text(encoding="utf-8")))
        assert doc, f"helpers.{layer} has no docstring"
        allowed = re.search(r"May import: (.*)", doc)
        assert allowed, f"helpers.{layer}: its docstring should end with 'May import: …'"
        named = [w for w in re.findall(r"\w+", allowed.group(1)) if w in LAYERS]
        assert named == list(LAYERS[:position]), f"helpers.{layer}: May import {named}"


def test_the_package_root_imports_only_what_must_run_first() -> None:
    # The root sets up the process before any library is imported (helpers.core.startup, which
    # itself imports nothing of the workbook); nothing else.
    assert GRAPH["helpers"] <= {"helpers.core.startup"}
    assert GRAPH["helpers.core.startup"] == set()


@pytest.mark.parametrize("layer", LAYERS)
def test_no_module_imports_a_later_layer_or_the_facade(layer: str) -> None:
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward = sorted(
        f"{module} → {target}"
        for module, targets in GRAPH.items()
        if _place(module) == layer
        for target in targets
        if target != "helpers"
        and (_place(target) not in rank or rank[_place(target)] > rank[layer])
    )
    assert upward == []


def test_no_cycle_between_layers() -> None:
    edges: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    for module, targets in GRAPH.items():
        if _place(module) in edges:
            edges[_place(module)] |= {
                _place(t) for t in targets if _place(t) in edges and _place(t) != _place(module)
            }
    done: set[str] = set()

    def visit(layer: str, path: list[str]) -> None:
        assert layer not in path, "cycle: " + " → ".join([*path, layer])
        if layer not in done:
            for target in sorted(edges[layer]):
                visit(target, [*path, layer])
            done.add(layer)

    for layer in LAYERS:
        visit(layer, [])


def test_the_graph_sees_imports_of_every_kind() -> None:
    """The graph is only as good as what it sees: a lazy import in a function, an imported
    module's attribute and a module named in a string are all edges."""
    cli = GRAPH["helpers.cli"]
    assert any(_place(t) == "chores" for t in cli)  # the command table names new_year as a string
    assert any(_place(t) == "building" for t in cli)  # supervise, imported inside _run
