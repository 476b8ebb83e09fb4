"""Regenerate ``tests/contracts/golden/`` from the LAST RELEASE, never from the working tree.

The release source comes from ``git archive`` (no worktree, no checkout: git state is left alone) and its CLI
runs with this venv's python and ``PYTHONPATH=<release source>``, so the release's ``scn`` package shadows the
editable install. Exports run against a copy of a demo home built at that release
(``scn demo --seed 11 --size small && scn run``).

    .venv/bin/python tests/contracts/make_golden.py --release 6b0ed5d --src /tmp/release \\
        --demo-home /tmp/demo-home

Writes ``help-<verb>.txt`` (``help-scn.txt`` for ``scn --help``, ``help-user-add.txt`` for ``scn user add``),
``cli.json`` (the release parser's verbs, flags and choices) and ``export-headers.json`` (CSV header of every
export, ``--json`` field names of ``scn ingest`` and ``scn classify``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
INPUTS = HERE / "inputs"
REPO = HERE.parents[1]
CITY = "london"
COLUMNS = "100"

# dumps the release parser: {"scn": [action, ...], "demo": [...], ..., "user add": [...]}
INTROSPECT = r"""
import argparse, json, sys
from scn.cli import build_parser

def walk(parser, name, out):
    actions = []
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            actions.append({"dest": a.dest, "option_strings": [], "metavar": a.metavar, "nargs": "subcommand",
                            "choices": list(a.choices), "required": bool(a.required)})
            for sub, subparser in a.choices.items():
                walk(subparser, f"{name} {sub}", out)
        else:
            actions.append({"dest": a.dest, "option_strings": list(a.option_strings), "metavar": a.metavar,
                            "nargs": a.nargs, "choices": list(a.choices) if a.choices is not None else None,
                            "required": bool(a.required)})
    out[name] = actions

out = {}
walk(build_parser(), "scn", out)
json.dump(out, sys.stdout, indent=1)
"""


def release_env(src: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCN_") and k != "DAGSTER_HOME"}
    env.update(PYTHONPATH=str(src), COLUMNS=COLUMNS, SCN_HOME=str(home), DAGSTER_HOME=str(home / "dagster"))
    return env


def release_scn(src: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    """The release's CLI: ``from scn.cli import main`` out of ``src``."""
    code = "import sys; from scn.cli import main; sys.exit(main())"
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=src, env=release_env(src, home),
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"release scn {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    return proc


def extract(release: str, src: Path) -> None:
    if (src / "scn" / "cli.py").exists():
        return
    src.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", release], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)


def check_release_imports(src: Path, home: Path) -> None:
    code = "import scn.cli, sys; print(scn.cli.__file__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=src, env=release_env(src, home), capture_output=True,
                         text=True, check=True).stdout.strip()
    if not Path(out).resolve().is_relative_to(src.resolve()):
        raise SystemExit(f"scn.cli resolved to {out}, not to the release source {src}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--release", default="6b0ed5d")
    ap.add_argument("--src", type=Path, default=Path("/tmp/release"))
    ap.add_argument("--demo-home", type=Path, default=Path("/tmp/demo-home"))
    ap.add_argument("--contract-home", type=Path, default=Path("/tmp/contract-home"))
    args = ap.parse_args()
    if not (args.demo_home / "serving" / "current").exists():
        raise SystemExit(f"{args.demo_home} has no published snapshot yet")
    extract(args.release, args.src)
    GOLDEN.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="scn-golden-"))
    check_release_imports(args.src, scratch / "home")

    # help texts and the parser's structure
    parser = json.loads(subprocess.run([sys.executable, "-c", INTROSPECT], cwd=args.src,
                                       env=release_env(args.src, scratch / "home"), capture_output=True,
                                       text=True, check=True).stdout)
    (GOLDEN / "cli.json").write_text(json.dumps({"release": args.release, "commands": parser}, indent=1) + "\n")
    for command in parser:
        words = command.split()[1:]
        name = "-".join(command.split()) if words else "scn"
        text = release_scn(args.src, scratch / "home", *words, "--help").stdout
        (GOLDEN / f"help-{name.removeprefix('scn-')}.txt").write_text(text)

    # export headers, against a copy of the release-built demo home
    shutil.rmtree(args.contract_home, ignore_errors=True)
    shutil.copytree(args.demo_home, args.contract_home, symlinks=True)
    kinds = next(a["choices"] for a in parser["scn export"] if a["dest"] == "kind")
    exports: list[dict] = []
    for kind in kinds:
        variants = [[], ["--audience", "official"]]
        for extra in variants:
            exports.append({"args": [kind, *extra], "header": export_header(args, scratch, kind, extra)})
        if "city_id" in exports[-2]["header"]:  # the kind's table is per city: --city is relevant
            for extra in (["--city", CITY], ["--city", CITY, "--audience", "official"]):
                exports.append({"args": [kind, *extra], "header": export_header(args, scratch, kind, extra)})

    # --json field names, on tiny inputs in a fresh home
    home = scratch / "json-home"
    ingest = json.loads(release_scn(args.src, home, "ingest", "social", str(INPUTS / "social-tiny.csv"),
                                    "--city", CITY, "--json").stdout)
    classify = [json.loads(line) for line in release_scn(
        args.src, home, "classify", "--json", "--file", str(INPUTS / "classify-texts.txt")).stdout.splitlines()]
    evaluation = json.loads(release_scn(args.src, home, "classify", "--json", "--eval",
                                        str(INPUTS / "classify-labelled.csv")).stdout)
    assert ingest["errors"], "the tiny social file must quarantine a row, so that error fields are recorded"
    golden = {
        "release": args.release,
        "demo": {"seed": 11, "size": "small"},
        "exports": exports,
        "json_fields": {
            "ingest": sorted(ingest),
            "ingest.errors[]": sorted(ingest["errors"][0]),
            "classify": sorted(set().union(*map(set, classify))),
            "classify --eval": sorted(evaluation),
        },
    }
    (GOLDEN / "export-headers.json").write_text(json.dumps(golden, indent=1) + "\n")
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"golden files written to {GOLDEN}")


def export_header(args: argparse.Namespace, scratch: Path, kind: str, extra: list[str]) -> list[str]:
    out = scratch / f"{kind}-{'-'.join(extra) or 'all'}.csv"
    release_scn(args.src, args.contract_home, "export", kind, "--format", "csv", "--out", str(out), *extra)
    with out.open(newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


if __name__ == "__main__":
    main()
