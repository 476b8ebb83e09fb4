"""The tests are organised like the code: helpers exist once in ``tests/support`` (test modules import no other
test module or conftest), a server is started only through ``tests.support.servers``, pure unit tests never
import selenium (not through a helper or a conftest either), and the root conftest imports nothing heavy.

Static, from ``ast`` (nothing is imported): an import inside a function or under ``if TYPE_CHECKING:`` does not
run at collection time, so it does not count."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tests.architecture.importgraph import PACKAGES, REPO, discover, imports_of

TESTS = REPO / "tests"
PURE = ("analysis", "demo", "geo", "ingest", "nlp", "privacy")  # no server, no browser, no Dagster run
HEAVY = ("selenium", "dagster", "dagster_dbt", "dash")
SHARED_PREFIXES = ("tests.support", "tests.architecture.importgraph")


def _modules() -> dict[str, Path]:
    return discover(REPO, (*PACKAGES, "tests"))


def _eager_targets(module: str, path: Path) -> list[str]:
    return [i.target for i in imports_of(module, path) if not i.lazy and not i.typing_only]


def _closure(start: Iterable[str], modules: dict[str, Path]) -> dict[str, str]:
    """Every module imported at import time from ``start`` (first-party modules followed, third-party ones
    recorded) -> the first-party module that imports it."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo:
        module = todo.pop()
        for target in _eager_targets(module, modules[module]):
            # ``from pkg import sub`` names the package; follow the longest first-party prefix
            parts = target.split(".")
            known = next((".".join(parts[:n]) for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in modules),
                         None)
            name = known or target
            if name not in seen:
                seen[name] = module
                if known:
                    todo.append(known)
    return seen


def _heavy(imported: dict[str, str], heavy: Iterable[str]) -> dict[str, str]:
    return {m: by for m, by in imported.items() if any(m == h or m.startswith(f"{h}.") for h in heavy)}


def test_test_modules_import_helpers_only_from_tests_support() -> None:
    bad = []
    for module, path in _modules().items():
        if not module.startswith("tests."):
            continue
        for imp in imports_of(module, path):
            if imp.target.startswith("tests.") and not imp.target.startswith(SHARED_PREFIXES):
                bad.append(imp.where())
    assert not bad, "import helpers and fixtures from tests.support, not from test modules or conftests:\n" + \
        "\n".join(bad)


def test_servers_start_only_through_tests_support() -> None:
    bad = [str(p.relative_to(REPO)) for p in sorted(TESTS.rglob("*.py"))
           if p.parent != TESTS / "support" and p != Path(__file__).resolve()
           and "socket.socket(" in p.read_text(encoding="utf-8")]
    assert not bad, f"use tests.support.servers (free_port, start_server, running_server) in {bad}"


def test_root_conftest_stays_light() -> None:
    modules = _modules()
    heavy = _heavy(_closure(["tests.conftest"], modules), (*HEAVY, "pandas", "duckdb", "scn", "geo"))
    assert not heavy, f"tests/conftest.py imports at collection time: {heavy}"


def test_pure_unit_tests_never_import_selenium() -> None:
    modules = _modules()
    start = ["tests.conftest"] + [m for m in modules if m.split(".")[:2][-1] in PURE and m.startswith("tests.")]
    assert len(start) > 20
    heavy = _heavy(_closure(start, modules), ("selenium",))
    assert not heavy, f"selenium imported at collection time of tests/{{{','.join(PURE)}}}: {heavy}"
