"""The shape of the code (DESIGN section 6): no import cycles, imports at module level, layers that
run one way, no string-built SQL, and ruff clean. These fail on the change that breaks them."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parent.parent
FIRST_PARTY = ("kpi", "pages")
# the floors: every layer may use them, they use no other first-party module
FLOORS = {"kpi.formulas", "kpi.periods", "kpi.paths", "kpi.memo"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    files = [REPO / "dashboard.py", *sorted((REPO / "kpi").rglob("*.py")), *sorted((REPO / "pages").glob("*.py"))]
    return {_module_name(p): p for p in files}


MODULES = _sources()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _targets(node: ast.AST, module: str) -> list[str]:
    """First-party modules an import statement loads (a package's submodule when one is named)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        if node.level:  # relative imports are not used in this project
            base = module.rsplit(".", node.level)[0]
            names = [f"{base}.{node.module}" if node.module else base]
        else:
            names = [node.module or ""]
        names = [f"{names[0]}.{alias.name}" if f"{names[0]}.{alias.name}" in MODULES else names[0]
                 for alias in node.names]
    else:
        return []
    return [n for n in names if n.split(".")[0] in FIRST_PARTY]


def _top_level_imports(module: str, tree: ast.Module) -> set[str]:
    found = set()
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            continue
        if isinstance(node, (ast.If, ast.Try)):
            stack.extend(node.body + node.orelse + getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                stack.extend(handler.body)
        found.update(t for t in _targets(node, module) if t in MODULES)
    return found


def _graph() -> dict[str, set[str]]:
    return {m: _top_level_imports(m, ast.parse(p.read_text(encoding="utf-8"))) for m, p in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_no_first_party_import_inside_a_function():
    """Imports at the top of the module, where the structure can be seen; a heavy optional
    dependency may justify an exception, with a comment saying so on the line."""
    offenders = []
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if _targets(inner, module) and "heavy optional" not in lines[inner.lineno - 1]:
                        offenders.append(f"{path.relative_to(REPO)}:{inner.lineno}")
    assert offenders == []


def test_layers_run_one_way():
    graph = _graph()
    problems = []
    for module, imports in graph.items():
        layer = module.split(".")[1] if module.startswith("kpi.") and "." in module else module
        for target in imports:
            if module in FLOORS and target not in FLOORS:
                problems.append(f"{module} (a floor) imports {target}")
            if module.startswith("kpi.") and target.startswith("pages"):
                problems.append(f"{module} imports the page {target}")
            if layer in ("charts", "store", "units", "text", "scoring", "importing") and \
                    target.startswith("kpi.screens"):
                problems.append(f"{module} imports the screen {target}")
            if layer in ("charts", "store", "units", "text") and target.startswith("kpi.reports"):
                problems.append(f"{module} imports the report {target}")
            if layer in ("store", "units", "text") and target.startswith(("kpi.charts", "kpi.scoring")):
                problems.append(f"{module} imports {target}")
    assert problems == []


def test_domain_logic_has_no_streamlit_and_pages_no_sql():
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if module.startswith("kpi"):
            assert not re.search(r"^\s*(import|from) streamlit", text, re.M), module
        if module.startswith("pages") or module == "dashboard":
            assert not re.search(r"duckdb|\.execute\(|\bSELECT\b.+\bFROM\b", text), module


def test_no_string_built_sql():
    """SQL lives in queries/*.sql with bound parameters; nothing formats SQL in code."""
    offenders = []
    for path in MODULES.values():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\.execute\((f[\"']|[\"'][^\"']*[\"']\s*(%|\.format|\+))", line):
                offenders.append(f"{path.relative_to(REPO)}:{number}")
    assert offenders == []


def test_every_named_query_exists_and_is_used():
    names = {p.stem for p in (REPO / "queries").glob("*.sql")}
    code = "\n".join(p.read_text(encoding="utf-8") for p in MODULES.values())
    unused = sorted(n for n in names if f'"{n}"' not in code)
    assert unused == []


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", "."], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
