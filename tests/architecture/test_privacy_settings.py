"""``scn.privacy``'s rules take their parameters as arguments (the threshold ``k``, the smallest survey group
``min_group``): the settings are read in one place only, ``disclosure.suppress_below`` and ``disclosure.rule``
(the defaults of a caller that gives none), and by ``pseudonyms`` for its key (a secret, not a parameter of a
rule). Any other import of ``scn.settings`` under ``scn/privacy``, lazy or not, fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.importgraph import REPO, discover

# module -> the functions that may import scn.settings (None: the whole module), with why
ALLOWED: dict[str, tuple[str, ...] | None] = {
    "scn.privacy.disclosure": ("suppress_below", "rule"),  # the edge's defaults of k and min_group
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
    assert not found, "scn/privacy takes k and min_group as arguments (disclosure.rule is the one default):\n  " + \
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
    assert len(found) == 2 and "levels.py:1 (module level)" in found[0] + found[1] and \
        "disclosure.py:4 (other)" in found[0] + found[1], found
