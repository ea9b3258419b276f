"""The layers of docs/architecture.md hold: the domain never reaches into the web.

Read from the source with `ast`, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# rglob: a package inside the domain (such as survey/domain/report/) is held to the same rules.
DOMAIN = sorted((ROOT / "survey" / "domain").rglob("*.py"))
WEB = sorted((ROOT / "survey" / "web").glob("*.py"))
# What a view needs and the domain must do without: requests, responses, pages, blueprints.
WEB_ONLY_FLASK_NAMES = {
    "Blueprint",
    "request",
    "render_template",
    "redirect",
    "url_for",
    "flash",
    "abort",
    "jsonify",
    "session",
    "make_response",
}


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    """Every (module, names) a file imports, wherever the import statement stands."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_the_layers_exist_and_hold_modules():
    assert len(DOMAIN) > 5 and len(WEB) > 5


@pytest.mark.parametrize("path", DOMAIN, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_domain_never_imports_the_web(path):
    for module, names in imports_of(path):
        assert not module.startswith("survey.web"), f"{path.name} imports {module}"
        assert not (module == "survey" and "web" in names), f"{path.name} imports survey.web"
        assert module not in ("survey.cli", "survey.labels"), f"{path.name} imports {module}"
        if module == "flask":
            assert not WEB_ONLY_FLASK_NAMES & set(names), f"{path.name} uses {WEB_ONLY_FLASK_NAMES & set(names)}"
        assert module not in ("flask_wtf", "wtforms", "flask_login"), f"{path.name} imports {module}"


@pytest.mark.parametrize("path", [ROOT / "models.py", *DOMAIN], ids=lambda path: str(path.relative_to(ROOT)))
def test_models_and_domain_never_import_the_factory(path):
    assert all(module != "app" for module, _names in imports_of(path)), f"{path.name} imports the app factory"


def test_models_know_nothing_of_the_features():
    assert all(not module.startswith("survey") for module, _names in imports_of(ROOT / "models.py"))


@pytest.mark.parametrize("path", DOMAIN, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_domain_renders_no_template(path):
    text = path.read_text(encoding="utf-8")
    assert "render_template" not in text and ".html" not in text


def test_the_checker_catches_a_domain_module_that_imports_the_web(tmp_path):
    """The test above would fail on a bad import: a check of the checker."""
    bad = tmp_path / "bad.py"
    bad.write_text("def late():\n    from survey.web import api\n    return api\n", encoding="utf-8")
    assert ("survey.web", ["api"]) in imports_of(bad)


def test_no_code_points_outside_the_repository():
    """Comments and docstrings point into docs/, never at files a clone does not have."""
    sources = [ROOT / "app.py", ROOT / "models.py", *ROOT.glob("survey/**/*.py"), *ROOT.glob("static/**/*.js")]
    sources += list(ROOT.glob("templates/**/*.html"))
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for outside in ("../shared", "shared/spec", "domain.md", "contract.md"):
            assert outside not in text, f"{path.relative_to(ROOT)} points at {outside}"


def domain_module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def domain_imports() -> dict[str, set[str]]:
    """Which domain modules each domain module imports (`from survey.domain import x` names x)."""
    modules = {domain_module(path): path for path in DOMAIN}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for module, names in imports_of(path):
            submodules = {f"{module}.{item}" for item in names if f"{module}.{item}" in modules}
            targets |= submodules
            if module in modules and len(submodules) < len(names):  # a name from the module itself
                targets.add(module)
        graph[name] = targets - {name}
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as the modules along it, or None."""
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target] if target in trail else [node, target]
            if target not in state and (found := visit(target, [*trail, target])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_the_domain_modules_import_each_other_without_a_cycle():
    # A cycle hides which module is the lower one (rulebook <-> store_years was one).
    assert cycle_in(domain_imports()) is None, " -> ".join(cycle_in(domain_imports()))


def test_the_cycle_check_finds_a_cycle():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) is None
