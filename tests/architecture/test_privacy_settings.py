"""``scn.privacy``'s rules take their parameters as required arguments (the threshold ``k``, the smallest survey
group ``min_group``): nothing under ``scn/privacy`` reads the settings but ``pseudonyms`` for its key (a secret,
not a parameter of a rule); no rule parameter has a default; every caller outside ``scn.privacy`` passes them (from
the one settings object, at the edge). Any other import of ``scn.settings`` under ``scn/privacy``, lazy or not,
fails here, and so does a call without ``k``. The same holds for the modules that apply the threshold outside
``scn.privacy`` (``RULE_MODULES``: the words that say "fewer than k", the review figures published only from k
reviewed posts), and under ``scn/`` and ``geo/`` only the edge (``EDGE``) reads the threshold from the settings."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.importgraph import REPO, discover

# module -> the functions that may import scn.settings (None: the whole module), with why
ALLOWED: dict[str, tuple[str, ...] | None] = {
    "scn.privacy.pseudonyms": None,  # its key (SCN_PSEUDONYM_KEY), not a parameter of a rule
}


def _settings_imports(path: Path) -> list[tuple[int, str | None]]:
    """(line, enclosing top-level function or None) of every import of ``scn.settings`` in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and function is None:
                inner = child.name
            if isinstance(child, ast.Import) and any(a.name.startswith("scn.settings") for a in child.names):
                found.append((child.lineno, function))
            if isinstance(child, ast.ImportFrom) and child.level == 0 and (
                    (child.module or "").startswith("scn.settings")
                    or (child.module == "scn" and any(a.name == "settings" for a in child.names))):
                found.append((child.lineno, function))
            visit(child, inner)

    visit(tree, None)
    return found


def violations(root: Path = REPO) -> list[str]:
    out = []
    for module, path in discover(root, ["scn"]).items():
        if not module.startswith("scn.privacy"):
            continue
        allowed = ALLOWED.get(module, ())
        for line, function in _settings_imports(path):
            if allowed is None or function in allowed:
                continue
            out.append(f"{path.relative_to(root)}:{line} ({function or 'module level'}) imports scn.settings")
    return out


def test_scn_privacy_reads_the_settings_in_one_place() -> None:
    found = violations()
    assert not found, "scn/privacy takes k and min_group as arguments (the caller passes them):\n  " + \
        "\n  ".join(found)


def test_the_rule_catches_a_lazy_and_a_module_level_read(tmp_path: Path) -> None:
    files = {"scn/__init__.py": "", "scn/privacy/__init__.py": "",
             "scn/privacy/levels.py": "from scn.settings import suppress_below\n",
             "scn/privacy/disclosure.py": "def rule():\n    from scn.settings import settings\n"
                                          "def other():\n    from scn import settings\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = violations(tmp_path)
    assert len(found) == 3 and {"levels.py:1 (module level)", "disclosure.py:2 (rule)", "disclosure.py:4 (other)"} \
        <= {f.split("/")[-1].split(" imports")[0] for f in found}, found


# every public function of scn.privacy (and of RULE_MODULES) taking the rule's parameters: they have no default
# (the caller passes them)
RULE_PARAMS = ("k", "threshold", "min_group")
CALLER_PACKAGES = ("scn", "geo", "assets", "orchestration", "dashboards")
# modules outside scn.privacy that apply the threshold: the caller passes it, as to scn.privacy
RULE_MODULES = ("scn.words.alerts", "scn.review.published")
# the modules of scn/ and geo/ that read the threshold from the settings and pass it on (the dashboards, the assets
# and orchestration are edges as a whole); anything else under scn/ or geo/ takes it as an argument
EDGE = frozenset({"scn.settings", "scn.cli", "scn.publish.exports", "scn.publish.serving", "scn.alerts.notifier",
                  "scn.analysis.tables", "scn.review.tables"})
THRESHOLD_SETTINGS = ("suppress_below", "min_group")


def _rule_module(module: str) -> bool:
    return module.startswith("scn.privacy") or module in RULE_MODULES


def threshold_reads(root: Path = REPO, packages: tuple[str, ...] = ("scn", "geo")) -> list[str]:
    """Every read of the threshold settings (``from scn.settings import suppress_below``, ``settings().min_group``,
    ``s.suppress_below``) in a module of ``packages`` outside ``EDGE``."""
    out = []
    for module, path in discover(root, packages).items():
        if module in EDGE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scn.settings") and \
                    any(a.name in THRESHOLD_SETTINGS for a in node.names):
                out.append(f"{path.relative_to(root)}:{node.lineno} imports the threshold from scn.settings")
            elif isinstance(node, ast.Attribute) and node.attr in THRESHOLD_SETTINGS and \
                    isinstance(node.ctx, ast.Load):
                out.append(f"{path.relative_to(root)}:{node.lineno} reads .{node.attr}")
    return out


def test_only_the_edge_reads_the_threshold() -> None:
    found = threshold_reads()
    assert not found, "take k (and min_group) as an argument; the edge (EDGE) reads the settings:\n  " + \
        "\n  ".join(found)


def test_the_edge_rule_catches_a_default_read(tmp_path: Path) -> None:
    files = {"scn/__init__.py": "", "scn/words/__init__.py": "",
             "scn/words/alerts.py": "from scn.settings import suppress_below\n",
             "scn/review/published.py": "def f(k=None):\n    from scn import settings\n"
                                        "    return settings.settings().suppress_below if k is None else k\n",
             "scn/publish/exports.py": "from scn.settings import settings\nk = settings().suppress_below\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = threshold_reads(tmp_path)
    assert sorted(f.split(" ", 1)[0] for f in found) == ["scn/review/published.py:3", "scn/words/alerts.py:1"], found


def rule_functions() -> dict[str, dict[str, tuple[int, bool]]]:
    """``module.function`` of scn.privacy -> the rule parameters it takes: name -> (position, keyword-only)."""
    import importlib
    import inspect

    out: dict[str, dict[str, tuple[int, bool]]] = {}
    for module in (m for m in discover(REPO, ["scn"]) if _rule_module(m)):
        mod = importlib.import_module(module)
        for name, fn in vars(mod).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module:
                continue
            params = list(inspect.signature(fn).parameters.values())
            taken = {p.name: (i, p.kind is p.KEYWORD_ONLY) for i, p in enumerate(params) if p.name in RULE_PARAMS}
            if taken:
                out[f"{module}.{name}"] = taken
    return out


def test_the_rule_parameters_have_no_default() -> None:
    import importlib
    import inspect

    found = []
    for qual in rule_functions():
        module, name = qual.rsplit(".", 1)
        fn = getattr(importlib.import_module(module), name)
        found += [f"{qual}({p.name}={p.default!r})" for p in inspect.signature(fn).parameters.values()
                  if p.name in RULE_PARAMS and p.default is not p.empty]
    assert not found, "the caller passes k and min_group (from the settings, at the edge):\n  " + "\n  ".join(found)
    assert {"scn.privacy.disclosure.for_audience", "scn.privacy.levels.choose",
            "scn.privacy.disclosure.alert_totals", "scn.words.alerts.count", "scn.words.alerts.evidence",
            "scn.words.alerts.alert_sentence", "scn.review.published.shown_only"} <= set(rule_functions())


def calls_without_rule(root: Path, functions: dict[str, dict[str, tuple[int, bool]]],
                       packages: tuple[str, ...] = CALLER_PACKAGES) -> list[str]:
    """Every call, outside the module defining it, of a function of ``functions`` that does not pass each rule
    parameter (by keyword, or by position; ``min_group=None`` is refused by ``for_audience`` for a survey table):
    the names are resolved through ``from scn.privacy.x import f`` and ``from scn.privacy import x`` (``x.f``),
    likewise for ``RULE_MODULES``."""
    out = []
    modules = discover(root, packages)
    trees = {m: ast.parse(p.read_text(encoding="utf-8"), filename=str(p)) for m, p in modules.items()}
    # a rule function re-exported by another module (``dashboards.i18n.count`` is ``scn.words.alerts.count``)
    aliases = {f"{m}.{a.asname or a.name}": f"{node.module}.{a.name}" for m, tree in trees.items()
               for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
               for a in node.names if f"{node.module}.{a.name}" in functions}
    for module, path in modules.items():
        if module.startswith("scn.privacy"):
            continue
        tree = trees[module]
        names: dict[str, str] = {}  # local name -> module.function or module
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for a in node.names:
                    names[a.asname or a.name] = f"{node.module}.{a.name}"
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Name):
                qual = names.get(f.id)
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in names:
                qual = f"{names[f.value.id]}.{f.attr}"
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Attribute) and \
                    isinstance(f.value.value, ast.Name) and names.get(f.value.value.id) == "scn.privacy":
                qual = f"scn.privacy.{f.value.attr}.{f.attr}"
            else:
                qual = None
            qual = aliases.get(qual, qual)
            if qual not in functions or qual.rsplit(".", 1)[0] == module:
                continue
            given = {kw.arg for kw in node.keywords}
            if any(kw.arg is None for kw in node.keywords):
                continue  # **kwargs: cannot tell statically (none today)
            missing = [p for p, (i, kw_only) in functions[qual].items()
                       if p not in given and (kw_only or i >= len(node.args))]
            if missing:
                out.append(f"{path.relative_to(root)}:{node.lineno} {qual.rsplit('.', 1)[1]} without "
                           f"{', '.join(missing)}")
    return out


def test_every_caller_passes_the_rule() -> None:
    found = calls_without_rule(REPO, rule_functions())
    assert not found, "pass the audience's k and min_group from the settings (scn.settings.settings()):\n  " + \
        "\n  ".join(found)


def test_a_call_without_k_fails_the_rule(tmp_path: Path) -> None:
    files = {"dashboards/__init__.py": "",
             "dashboards/a.py": "from scn.privacy.disclosure import for_audience\n"
                                "from scn.privacy import levels\n"
                                "for_audience('x', f, 'official', k=s.suppress_below, min_group=s.min_group)\n"
                                "for_audience('x', f, 'official', min_group=s.min_group)\n"
                                "for_audience('x', f, 'official', k=5)\n"
                                "levels.choose(v, leaves, m, 'official')\n"
                                "levels.choose(v, leaves, m, 'official', 5)\n",
             "dashboards/i18n.py": "from scn.words.alerts import count\n",
             "dashboards/b.py": "from dashboards import i18n\n"
                                "i18n.count(None, 'en')\n"
                                "i18n.count(None, 'en', k=s.suppress_below)\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = calls_without_rule(tmp_path, rule_functions(), ("dashboards",))
    assert sorted(f.split(" ", 1)[0] for f in found) == ["dashboards/a.py:4", "dashboards/a.py:5",
                                                         "dashboards/a.py:6", "dashboards/b.py:2"], found
