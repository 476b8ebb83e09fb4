"""Static boundaries of dashboards/: no environment access (settings come from ``scn.settings``), no
suppression of its own (``scn.privacy.disclosure.for_audience`` is the only path), one module reads the serving
snapshot, pages register their callbacks with ``dash.callback`` and access rules live only in the page registry."""

from __future__ import annotations

import re
from pathlib import Path

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
SOURCES = {p.relative_to(DASHBOARDS).as_posix(): p.read_text() for p in DASHBOARDS.rglob("*.py")}


def _offenders(pattern: str, exempt: tuple[str, ...] = ()) -> list[str]:
    return [name for name, text in SOURCES.items() if re.search(pattern, text) and name not in exempt]


def test_no_environment_access() -> None:
    assert _offenders(r"os\.environ|os\.getenv|\bgetenv\(|\bimport os\b|from os import") == []


def test_no_suppression_outside_the_disclosure_function() -> None:
    assert _offenders(r"suppress_counts|suppress_small|\.mask\(") == []
    # the alerts are shaped by scn.alerts.catalog.shaped (for_audience with the city's published totals)
    assert sorted(_offenders(r"from scn\.privacy\.disclosure import")) == ["components/city.py",
                                                                             "components/review.py", "maps.py"]
    for name in _offenders(r"from scn\.privacy\.disclosure import"):
        imported = re.search(r"from scn\.privacy\.disclosure import ([^\n]+)", SOURCES[name]).group(1)
        assert set(re.findall(r"\w+", imported)) <= {"for_audience", "SMALL_COUNTS"}, name


def test_only_data_reads_the_snapshot() -> None:
    assert _offenders(r"scn\.publish\.serving|scn\.publish import serving|read_serving") == ["data.py"]


def test_pages_own_their_callbacks_and_rules() -> None:
    pages = [n for n in SOURCES if n.startswith("pages/") and not n.endswith("__init__.py")]
    for name in pages:
        assert "dash.register_page(__name__" in SOURCES[name] and "access=" in SOURCES[name], name
        assert "app.callback" not in SOURCES[name], name
    assert _offenders(r"STAFF_PAGES|STAFF_OUTPUT_PREFIXES|startswith\(\"/city/\"\)") == []
