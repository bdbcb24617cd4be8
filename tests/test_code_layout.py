"""The house rules a newcomer relies on: no application module longer than one sitting's read,
and no two modules that import each other, directly or round a loop, even from inside a
function (an import put there to dodge a cycle is still a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    *("doorstroom", "mandates", "pilots", "trajectories"),
    *("questions", "payments", "notifications"),
)
MAX_LINES = 450


def application_modules() -> dict[str, Path]:
    """Dotted name -> file of every application module (migrations aside)."""
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" in relative.parts:
                continue
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            modules[".".join(parts)] = path
    return modules


def imported(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The application modules `path` imports anywhere in it: `from a.b import c` is the
    module a.b.c when there is one, else a.b."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        found |= {target for target in targets if target in modules and target != name}
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_two_application_modules_import_each_other():
    modules = application_modules()
    graph = {name: imported(path, name, modules) for name, path in modules.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_through_an_import_inside_a_function(tmp_path):
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    package = tmp_path / "x"
    package.mkdir()
    (package / "one.py").write_text("def f():\n    from x.two import g\n")
    modules = {"x.one": package / "one.py", "x.two": package / "two.py"}
    assert imported(package / "one.py", "x.one", modules) == {"x.two"}


def test_no_application_module_is_longer_than_one_sitting():
    long = {
        name: lines
        for name, path in application_modules().items()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


# The modules every app keeps as it needs them, named once for all in the README's layout.
USUAL = {
    *("models.py", "admin.py", "apps.py", "urls.py", "views.py", "tables.py"),
    *("filters.py", "forms.py", "exports.py", "services.py", "seeding.py"),
}


def test_the_readme_layout_names_every_module():
    """A newcomer finds a module from the README's layout: each module of an app is named in its
    app's part, a module of a package on the line (or item) that names the package."""
    readme = (ROOT / "README.md").read_text()
    layout = readme[
        readme.index("## Layout\n") : readme.index("\n## ", readme.index("## Layout\n"))
    ]
    parts = layout.split("\n### ")
    unnamed = []
    for app in APPS:
        part = next(p for p in parts if p.startswith(f"`{app}/`"))
        items = [item.replace("\n ", " ") for item in part.split("\n- ")]
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT / app)
            if "migrations" in relative.parts or path.name == "__init__.py":
                continue
            if len(relative.parts) == 1:
                if path.name not in USUAL and f"`{path.name}`" not in part:
                    unnamed.append(f"{app}/{relative}")
                continue
            package = f"`{relative.parts[0]}/"
            names = (f"`{path.name}`", f"`{'/'.join(relative.parts[1:])}`")
            if not any(package in item and any(n in item for n in names) for item in items):
                unnamed.append(f"{app}/{relative}")
    assert unnamed == []
