"""Architecture rules over the source (parsed with ``ast``, nothing imported):

- no import cycles between first-party modules (lazy imports inside functions count);
- ``geo`` is a pure library: it imports nothing of the platform (scn, orchestration, assets, dashboards) and no
  framework (dagster, dash, flask);
- the domain (``scn`` and ``geo``) imports no dashboards and no framework (dagster, dash, flask), lazily or not,
  except the modules in ``DOMAIN_ALLOWED``, each with its reason;
- the environment is read or written only in the settings module, ``scn/settings.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.importgraph import (
    PACKAGES,
    REPO,
    Import,
    all_imports,
    build_graph,
    describe_cycles,
    discover,
    strongly_connected,
)

SETTINGS = REPO / "scn" / "settings.py"
GEO_FORBIDDEN = ("scn", "orchestration", "assets", "dashboards", "dagster", "dash", "flask")
DOMAIN_FORBIDDEN = ("dashboards", "dagster", "dash", "flask")
FRAMEWORKS = ("dagster", "dash", "flask")
# module -> (what it may import, why)
DOMAIN_ALLOWED: dict[str, tuple[str, str]] = {
    "scn.cli": ("dashboards", "the command line is the entry point that composes the platform: `scn serve` starts "
                "the dashboards (a lazy import inside that command only)"),
}
ENV_NAMES = frozenset({"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"})


# ------------------------------------------------------------------------------------------ import cycles
def test_no_import_cycles() -> None:
    modules = discover()
    assert {"scn", "geo", "assets", "orchestration", "dashboards"} <= set(modules), sorted(modules)[:20]
    graph = build_graph(modules)
    cycles = strongly_connected(graph)
    report = describe_cycles(graph, cycles)
    print(report)
    assert not cycles, f"{len(cycles)} import cycle(s) among first-party modules:\n{report}"


def _tree(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return discover(root, ["pkg"])


def test_cycle_finder_on_a_planted_tree(tmp_path: Path) -> None:
    """The graph rules: lazy and relative imports count, `from pkg import name` is an edge to pkg's __init__,
    `from pkg import submodule` is not, TYPE_CHECKING imports do not run."""
    modules = _tree(tmp_path, {
        "pkg/__init__.py": "from pkg.a import thing\nfrom . import b\n",
        "pkg/a.py": "thing = 1\n",
        "pkg/b.py": "def f():\n    from .c import g\n",  # lazy, relative
        "pkg/c.py": "from pkg import d\n",  # d is a submodule: an edge to pkg.d, not to pkg
        "pkg/d.py": "import importlib\ndef h():\n    return importlib.import_module('pkg.b')\n",  # dynamic
        "pkg/e.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.f import x\n",
        "pkg/f.py": "from pkg.e import y\n",
        "pkg/sub/__init__.py": "from .. import thing\n",  # a name of pkg: an edge to pkg (its __init__)
    })
    graph = build_graph(modules)
    assert set(graph["pkg"]) == {"pkg.a", "pkg.b"} and set(graph["pkg.c"]) == {"pkg.d"}
    assert set(graph["pkg.sub"]) == {"pkg"} and set(graph["pkg.e"]) == set()
    assert strongly_connected(graph) == [["pkg.b", "pkg.c", "pkg.d"]]
    report = describe_cycles(graph, strongly_connected(graph), root=tmp_path)
    assert "pkg.b -> pkg.c -> pkg.d -> pkg.b" in report and "pkg/b.py:2: from pkg.c import g" in report
    (tmp_path / "pkg" / "a.py").write_text("from pkg import thing\n")  # __init__ <-> a submodule importing it
    assert ["pkg", "pkg.a"] in strongly_connected(build_graph(discover(tmp_path, ["pkg"])))


# ------------------------------------------------------------------------------------------ geo stays pure
def _forbidden(imp: Import, forbidden: tuple[str, ...] = GEO_FORBIDDEN) -> str | None:
    names = [imp.target] if not imp.names or imp.target else list(imp.names)
    for name in names:
        top = name.split(".")[0]
        if top in forbidden or any(top.startswith(f"{f}_") for f in FRAMEWORKS):
            return top
    return None


def geo_violations(root: Path = REPO) -> list[str]:
    modules = discover(root, ["geo"])
    return [f"{imp.where(root)}  -> imports {top}" for imp in all_imports(modules)
            if (top := _forbidden(imp)) is not None]


def test_geo_imports_nothing_of_the_platform_or_frameworks() -> None:
    assert discover(REPO, ["geo"]), "no geo package found"
    found = geo_violations()
    print("\n".join(found))
    assert not found, "geo/ must stay a pure library (no " + ", ".join(GEO_FORBIDDEN) + \
        "), including lazy imports:\n  " + "\n  ".join(found)


def test_geo_rule_catches_lazy_and_aliased_imports(tmp_path: Path) -> None:
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "__init__.py").write_text("import numpy as np\nfrom geo import x\n")
    (tmp_path / "geo" / "x.py").write_text("def f():\n    from scn.settings import settings\n"
                                           "import dagster_dbt\nimport dash.html as h\n")
    found = geo_violations(tmp_path)
    assert len(found) == 3 and "geo/x.py:2" in found[0] and "lazy" in found[0], found


# ------------------------------------------------------------------------------------------ domain stays out of the UI
def domain_violations(root: Path = REPO, allowed: dict[str, tuple[str, str]] = DOMAIN_ALLOWED) -> list[str]:
    """Imports of dashboards/dagster/dash/flask (lazy, dynamic and TYPE_CHECKING ones too) under scn/ and geo/."""
    modules = discover(root, ["scn", "geo"])
    return [f"{imp.where(root)}  -> imports {top}" for imp in all_imports(modules)
            if (top := _forbidden(imp, DOMAIN_FORBIDDEN)) is not None and allowed.get(imp.module, ("",))[0] != top]


def test_domain_imports_no_dashboards_or_frameworks() -> None:
    found = domain_violations()
    print("\n".join(found))
    assert not found, "scn/ and geo/ are the domain: no " + ", ".join(DOMAIN_FORBIDDEN) + " (lazy imports count; " \
        "move shared words or helpers into scn/, e.g. scn/words/):\n  " + "\n  ".join(found)
    modules = discover(REPO, ["scn", "geo"])
    for module, (top, _why) in DOMAIN_ALLOWED.items():  # an allowance no longer needed goes
        assert any(_forbidden(i, (top,)) for i in all_imports({module: modules[module]})), f"{module} no longer " \
            f"imports {top}: drop it from DOMAIN_ALLOWED"


def test_domain_rule_catches_the_old_lazy_notifier_import(tmp_path: Path) -> None:
    """The notifier used to render its sentences with a lazy ``from dashboards.i18n import alert_message``."""
    files = {
        "scn/__init__.py": "",
        "scn/alerts/__init__.py": "",
        "scn/alerts/notifier.py": "def render(facts, city, lang):\n"
                                  "    from dashboards.i18n import alert_message\n"
                                  "    return alert_message(facts, city, lang)\n",
        "scn/jobs.py": "import importlib\ndef f():\n    return importlib.import_module('dagster')\n",
        "scn/words.py": "from flask import request\nfrom scn import alerts\n",
        "scn/cli.py": "def serve():\n    from dashboards.app import serve\n",
        "geo/__init__.py": "import dash_leaflet\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = domain_violations(tmp_path, allowed={"scn.cli": ("dashboards", "entry point")})
    assert len(found) == 4, found
    assert any("scn/alerts/notifier.py:2: from dashboards.i18n import alert_message" in f and "lazy" in f
               and f.endswith("imports dashboards") for f in found), found
    assert {f.rsplit(" ", 1)[-1] for f in found} == {"dashboards", "dagster", "flask", "dash_leaflet"}
    assert len(domain_violations(tmp_path, allowed={})) == 5  # scn/cli.py too, without its allowance


# ------------------------------------------------------------------------------------------ environment
def env_access(path: Path) -> list[tuple[int, str]]:
    """Lines reading or writing the process environment: ``os.environ``/``os.getenv``/``os.putenv``/... through
    any alias of ``os``, and names imported ``from os`` (``environ[...]``, ``getenv(...)``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    os_aliases: set[str] = set()
    env_aliases: set[str] = set()
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "os" or alias.name.startswith("os."):
                    os_aliases.add(alias.asname or "os")
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and not node.level:
            for alias in node.names:
                if alias.name in ENV_NAMES:
                    env_aliases.add(alias.asname or alias.name)
                    found.append((node.lineno, f"from os import {alias.name}"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ENV_NAMES and isinstance(node.value, ast.Name) \
                and node.value.id in os_aliases:
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
        elif isinstance(node, ast.Name) and node.id in env_aliases:
            found.append((node.lineno, node.id))
    return sorted(set(found))


def env_violations(root: Path = REPO, packages: tuple[str, ...] = PACKAGES, allowed: Path = SETTINGS) -> list[str]:
    out: list[str] = []
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            if path.resolve() == allowed.resolve():
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            for line, what in env_access(path):
                out.append(f"{path.relative_to(root)}:{line}: {what}   | {lines[line - 1].strip()}")
    return out


def test_environment_only_in_settings() -> None:
    assert SETTINGS.exists(), "the settings module scn/settings.py is the one place that reads the environment"
    found = env_violations()
    print("\n".join(found))
    assert not found, f"{len(found)} environment reads/writes outside scn/settings.py (use the settings " \
                      f"object; child processes get theirs from the settings module):\n  " + "\n  ".join(found)


def test_env_rule_catches_every_spelling(tmp_path: Path) -> None:
    (tmp_path / "scn").mkdir()
    (tmp_path / "scn" / "settings.py").write_text("import os\nHOME = os.environ.get('SCN_HOME')\n")
    (tmp_path / "scn" / "a.py").write_text(
        "import os\nimport os as _o\nfrom os import environ as env, getenv\n"
        "def f(request):\n    x = os.environ['A']\n    _o.environ.setdefault('B', '1')\n"
        "    env['C'] = '2'\n    request.environ.get('wsgi')\n    return getenv('D'), os.getenv('E')\n"
        "# os.environ in a comment is fine\n")
    found = env_violations(tmp_path, ("scn",), tmp_path / "scn" / "settings.py")
    lines = sorted({int(f.split(":")[1]) for f in found})
    assert lines == [3, 5, 6, 7, 9], found
