"""Seconds each test module took in a pytest run, from its JUnit XML (``pytest --junitxml=run.xml``), written to
``tests/durations.json``: pytest-xdist deals the slowest work out first (tests/conftest.py), so that two workers
finish together instead of one running the last long module alone.

    .venv/bin/pytest -n 2 --junitxml=/tmp/run.xml && .venv/bin/python scripts/test_durations.py /tmp/run.xml
"""

from __future__ import annotations

import argparse
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DURATIONS = REPO / "tests" / "durations.json"


def module_of(classname: str) -> str | None:
    """``tests/pipeline/test_incremental.py`` for ``tests.pipeline.test_incremental`` (or a class in it)."""
    parts = classname.split(".")
    for end in range(len(parts), 0, -1):
        path = Path(*parts[:end]).with_suffix(".py")
        if (REPO / path).is_file():
            return path.as_posix()
    return None


def module_durations(junit: Path) -> dict[str, dict[str, float]]:
    """module -> {"seconds": setup, call and teardown of its tests, summed; "tests": how many}."""
    seconds: dict[str, float] = defaultdict(float)
    tests: dict[str, int] = defaultdict(int)
    for case in ET.parse(junit).iter("testcase"):
        module = module_of(case.get("classname", ""))
        if module is not None:
            seconds[module] += float(case.get("time", 0))
            tests[module] += 1
    return {m: {"seconds": round(seconds[m], 1), "tests": tests[m]} for m in sorted(seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("junit", type=Path)
    parser.add_argument("--out", type=Path, default=DURATIONS)
    args = parser.parse_args()
    durations = module_durations(args.junit)
    if not durations:
        raise SystemExit(f"{args.junit}: no test cases of this repository's modules")
    args.out.write_text(json.dumps(durations, indent=1) + "\n")
    total = sum(d["seconds"] for d in durations.values())
    print(f"{args.out}: {len(durations)} modules, {total:.0f} s of tests")


if __name__ == "__main__":
    main()
