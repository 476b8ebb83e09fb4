"""Every call of ``for_audience`` at the edge that shapes a table for a page, a download or an export (under
``dashboards/`` and ``scn/publish/``) passes the perturbation ``key=`` (docs/security.md row 57): ``key`` is
optional in ``for_audience`` (the rule's own computations run without it), so a page that forgot it would show an
official exact counts again. Static, from ``ast``: a call that passes ``key=None`` literally fails too."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.importgraph import REPO

EDGE = ("dashboards", "scn/publish")


def calls_without_key(root: Path = REPO, folders: tuple[str, ...] = EDGE) -> list[str]:
    """``path:line`` of each call named ``for_audience`` (a name or an attribute) under ``folders`` without a
    ``key=`` keyword, or with ``key=None`` written out."""
    out = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
                if not isinstance(node, ast.Call):
                    continue
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
                if name != "for_audience":
                    continue
                key = next((kw.value for kw in node.keywords if kw.arg == "key"), None)
                if key is None or (isinstance(key, ast.Constant) and key.value is None):
                    out.append(f"{path.relative_to(root)}:{node.lineno}")
    return out


def test_every_page_and_export_passes_the_perturbation_key() -> None:
    found = calls_without_key()
    assert not found, "pass key=detail.key_for(audience) (or the exports' key) to for_audience:\n  " + \
        "\n  ".join(found)


def test_a_call_without_the_key_is_found(tmp_path: Path) -> None:
    (tmp_path / "dashboards").mkdir()
    (tmp_path / "dashboards" / "a.py").write_text(
        "from scn.privacy.disclosure import for_audience\n"
        "from scn.privacy import disclosure\n"
        "for_audience('x', f, 'official', k=5, min_group=None, key=detail.key_for('official'))\n"
        "for_audience('x', f, 'official', k=5, min_group=None)\n"
        "disclosure.for_audience('x', f, 'official', k=5, min_group=None, key=None)\n")
    assert calls_without_key(tmp_path, ("dashboards",)) == ["dashboards/a.py:4", "dashboards/a.py:5"]
