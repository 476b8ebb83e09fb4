"""The command line and the exports keep the contract of the last release (golden files from 6b0ed5d).

"Verb names, flags and JSON fields are contracts: keep them exactly, add to them freely." So every comparison
here fails when a verb, flag, metavar, choice, export column or JSON field of the release disappears, is renamed,
changes arity, becomes required or (columns) changes order, and passes when new ones are added. Golden files
come from the release, never from the working tree: regenerate them with ``tests/contracts/make_golden.py``.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.cli import scn

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
INPUTS = HERE / "inputs"
CLI = json.loads((GOLDEN / "cli.json").read_text(encoding="utf-8"))
COMMANDS: dict[str, list[dict]] = CLI["commands"]
CONTRACT = json.loads((GOLDEN / "export-headers.json").read_text(encoding="utf-8"))
ENV = {"COLUMNS": "100"}  # argparse wraps at $COLUMNS - 2: the goldens were made with 100
PROBE = "__contract_probe__"


# ---------------------------------------------------------------------------------------------- help parsing
@dataclass
class Help:
    """What an argparse help text promises: usage (required vs optional flags), positionals, subcommands and
    the invocation of every flag (``--format {csv,xlsx,parquet}``, ``--out PATH``, ``-h, --help``)."""

    required: set[str] = field(default_factory=set)  # option strings outside [...] in the usage
    optional: set[str] = field(default_factory=set)  # option strings inside [...] in the usage
    bracketed: str = ""  # everything inside [...] in the usage
    positionals: list[str] = field(default_factory=list)
    subcommands: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)  # option string -> its part of the invocation
    aliases: dict[str, set[str]] = field(default_factory=dict)  # option string -> all strings of its flag


def parse_help(text: str) -> Help:
    h = Help()
    lines = text.splitlines()
    usage: list[str] = []
    for line in lines:
        if usage and not line.strip():
            break
        if usage or line.startswith("usage:"):
            usage.append(line.strip())
    rest = " ".join(usage).removeprefix("usage:")
    inner: list[str] = []
    while (m := re.search(r"\[[^\[\]]*\]", rest)) is not None:  # innermost [...] first
        inner.append(m.group(0))
        rest = rest[:m.start()] + " " + rest[m.end():]
    h.bracketed = " ".join(inner)
    h.optional = {t for t in re.split(r"[\s\[\]|]+", h.bracketed) if t.startswith("-")}
    h.required = {t for t in rest.split() if t.startswith("-")}
    section = ""
    for line in lines[len(usage):]:
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            section = line.strip()
            continue
        indent = len(line) - len(line.lstrip(" "))
        entry = re.split(r"\s{2,}", line.strip())[0] if line.strip() else ""
        if not entry or not section:
            continue
        if indent == 2 and entry.startswith("-"):
            parts = [p.strip() for p in entry.split(", ")]
            strings = {p.split()[0] for p in parts}
            for p in parts:
                h.flags[p.split()[0]] = p
                h.aliases[p.split()[0]] = strings
        elif indent == 2:
            h.positionals.append(entry)
        elif indent == 4 and h.positionals and section.startswith("positional"):
            h.subcommands.append(entry.split()[0])
    return h


def shape(invocation: str) -> tuple[str, set[str]]:
    """``--format {csv,xlsx}`` -> (``--format {}``, {csv, xlsx}): the arity/metavar and the choices apart."""
    choices = {c for group in re.findall(r"\{([^}]*)\}", invocation) for c in group.split(",")}
    return re.sub(r"\{[^}]*\}", "{}", invocation), choices


def help_breaks(golden: Help, current: Help) -> list[str]:
    """Every way ``current`` breaks a promise of ``golden`` (empty when it only adds)."""
    out: list[str] = []
    for name in golden.subcommands:
        if name not in current.subcommands:
            out.append(f"subcommand {name!r} is gone (now: {current.subcommands})")
    for opt, invocation in golden.flags.items():
        if opt not in current.flags:
            out.append(f"flag {opt} is gone (flags now: {sorted(current.flags)})")
            continue
        (was, was_choices), (now, now_choices) = shape(invocation), shape(current.flags[opt])
        if was != now:
            out.append(f"flag {opt} changed its usage: {invocation!r} -> {current.flags[opt]!r}")
        if not was_choices <= now_choices:
            out.append(f"flag {opt} lost choices {sorted(was_choices - now_choices)}: "
                       f"{invocation!r} -> {current.flags[opt]!r}")
    for opt in sorted(current.required):
        if not current.aliases.get(opt, {opt}) & golden.required:
            what = "an optional flag became required" if opt in golden.flags else "a new flag is required"
            out.append(f"{what}: {opt} (existing command lines would break)")
    if current.positionals[:len(golden.positionals)] != golden.positionals:
        out.append(f"positional arguments changed: {golden.positionals} -> {current.positionals}")
    for extra in current.positionals[len(golden.positionals):]:
        if f"[{extra}" not in current.bracketed:
            out.append(f"a new required positional argument {extra!r} (existing command lines would break)")
    return out


def offered_choices(stderr: str) -> list[str] | None:
    """The choices argparse lists after ``invalid choice: ...`` (quoted or not, depending on the Python)."""
    m = re.search(r"invalid choice: .*?\(choose from (.*)\)\s*$", stderr, re.S | re.M)
    if not m:
        return None
    return [c.strip().strip("'\"") for c in m.group(1).split(",")]


def probe_args(command: str, action: dict) -> list[str]:
    """A command line that hands ``action`` an invalid value, so that argparse lists the valid ones."""
    words = command.split()[1:]
    if action["option_strings"]:
        return [*words, action["option_strings"][-1], PROBE]
    positionals = [a for a in COMMANDS[command] if not a["option_strings"]]
    before = positionals[:positionals.index(action)]
    return [*words, *[(a["choices"] or ["x"])[0] for a in before], PROBE]


def help_file(command: str) -> Path:
    words = command.split()[1:]
    return GOLDEN / f"help-{'-'.join(words) or 'scn'}.txt"


CHOICE_CASES = [(command, action) for command, actions in COMMANDS.items() for action in actions
                if action["choices"]]


# ---------------------------------------------------------------------------------------------- tests
def test_golden_files_come_from_the_release() -> None:
    assert CLI["release"] == CONTRACT["release"] == "6b0ed5d"
    assert {"scn", "scn demo", "scn ingest", "scn run", "scn export", "scn classify", "scn serve", "scn user",
            "scn user add"} <= set(COMMANDS)
    for command in COMMANDS:
        assert help_file(command).exists(), command


def test_help_parser_sees_what_argparse_promises() -> None:
    """The parser used below reads the golden export help as the release's parser defined it."""
    h = parse_help(help_file("scn export").read_text(encoding="utf-8"))
    assert h.required == {"--format", "--out"} and {"-h", "--city", "--audience"} <= h.optional
    assert h.positionals == ["KIND"] and h.flags["--format"] == "--format {csv,xlsx,parquet}"
    assert parse_help(help_file("scn").read_text(encoding="utf-8")).subcommands == [
        "demo", "ingest", "run", "export", "classify", "serve", "user"]
    assert help_breaks(h, h) == []
    renamed = parse_help(help_file("scn export").read_text(encoding="utf-8").replace("--audience", "--for"))
    assert any("--audience is gone" in b for b in help_breaks(h, renamed))
    fewer = parse_help(help_file("scn export").read_text(encoding="utf-8").replace(",parquet}", "}"))
    assert any("lost choices ['parquet']" in b for b in help_breaks(h, fewer))
    more = parse_help(help_file("scn export").read_text(encoding="utf-8")
                      .replace("[--city CITY_ID]", "[--city CITY_ID] [--since DATE]")
                      .replace(",parquet}", ",parquet,json}")
                      .replace("  --out PATH\n", "  --out PATH\n  --since DATE\n"))
    assert help_breaks(h, more) == []


@pytest.mark.parametrize("command", list(COMMANDS))
def test_help_keeps_every_verb_flag_and_usage(command: str, tmp_path: Path) -> None:
    proc = scn(*command.split()[1:], "--help", home=tmp_path / "home", env=ENV)
    golden = parse_help(help_file(command).read_text(encoding="utf-8"))
    breaks = help_breaks(golden, parse_help(proc.stdout))
    assert not breaks, (f"`{command} --help` breaks the release contract:\n  " + "\n  ".join(breaks)
                        + f"\n--- release:\n{help_file(command).read_text(encoding='utf-8')}"
                        + f"--- now:\n{proc.stdout}")


@pytest.mark.parametrize(("command", "action"), CHOICE_CASES,
                         ids=[f"{c}:{a['option_strings'][-1] if a['option_strings'] else a['metavar'] or a['dest']}"
                              for c, a in CHOICE_CASES])
def test_choices_are_kept(command: str, action: dict, tmp_path: Path) -> None:
    """argparse itself lists the accepted values when given a wrong one: every release value is still there."""
    args = probe_args(command, action)
    proc = scn(*args, home=tmp_path / "home", check=False, env=ENV)
    offered = offered_choices(proc.stderr)
    assert proc.returncode == 2 and offered is not None, \
        f"`scn {' '.join(args)}` did not reject {PROBE!r} with a list of choices:\n{proc.stderr}"
    lost = [c for c in action["choices"] if c not in offered]
    assert not lost, f"{command} {action['option_strings'] or action['metavar']}: choices {lost} are gone " \
                     f"(release: {action['choices']}, now: {offered})"


def test_verbs_are_kept(tmp_path: Path) -> None:
    verbs = next(a["choices"] for a in COMMANDS["scn"] if a["nargs"] == "subcommand")
    assert set(verbs) == {"demo", "ingest", "run", "export", "classify", "serve", "user"}
    proc = scn(PROBE, home=tmp_path / "home", check=False, env=ENV)
    offered = offered_choices(proc.stderr) or []
    assert set(verbs) <= set(offered), f"verbs gone: {sorted(set(verbs) - set(offered))}\n{proc.stderr}"


def is_subsequence(golden: list[str], current: list[str]) -> bool:
    it = iter(current)
    return all(col in it for col in golden)


def test_subsequence_check_fails_on_loss_rename_and_reorder() -> None:
    g = ["city_id", "analysis", "estimate"]
    assert is_subsequence(g, g) and is_subsequence(g, ["city_id", "analysis", "new", "estimate", "more"])
    assert not is_subsequence(g, ["city_id", "estimate"])
    assert not is_subsequence(g, ["city_id", "analysis_name", "estimate"])
    assert not is_subsequence(g, ["analysis", "city_id", "estimate"])


@pytest.mark.parametrize("case", CONTRACT["exports"], ids=[" ".join(c["args"]) for c in CONTRACT["exports"]])
def test_export_headers_keep_release_columns_in_order(case: dict, demo_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    scn("export", *case["args"], "--format", "csv", "--out", str(out), home=demo_home, env=ENV)
    with out.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh), [])
    golden = case["header"]
    missing = [c for c in golden if c not in header]
    assert not missing, f"scn export {' '.join(case['args'])}: columns {missing} are gone\n" \
                        f"release: {golden}\nnow:     {header}"
    assert is_subsequence(golden, header), f"scn export {' '.join(case['args'])}: release columns reordered\n" \
                                           f"release: {golden}\nnow:     {header}"


def test_ingest_json_fields(tmp_path: Path) -> None:
    proc = scn("ingest", "social", str(INPUTS / "social-tiny.csv"), "--city", "london", "--json",
               home=tmp_path / "home", env=ENV)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, f"--json must print exactly one JSON object:\n{proc.stdout}"
    out = json.loads(lines[0])
    fields = CONTRACT["json_fields"]
    assert set(fields["ingest"]) <= set(out), f"ingest --json fields gone: {sorted(set(fields['ingest']) - set(out))}"
    assert out["errors"], "the tiny file has one bad row: errors must list it"
    error_fields = set(fields["ingest.errors[]"])
    assert error_fields <= set(out["errors"][0]), f"errors[] fields gone: {sorted(error_fields - set(out['errors'][0]))}"


def test_classify_json_fields(tmp_path: Path) -> None:
    proc = scn("classify", "--json", "--file", str(INPUTS / "classify-texts.txt"), home=tmp_path / "home", env=ENV)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    texts = (INPUTS / "classify-texts.txt").read_text(encoding="utf-8").splitlines()
    assert len(rows) == len(texts), proc.stdout
    golden = set(CONTRACT["json_fields"]["classify"])
    for row in rows:
        assert golden <= set(row), f"classify --json fields gone: {sorted(golden - set(row))}"


def test_classify_eval_json_fields(tmp_path: Path) -> None:
    proc = scn("classify", "--json", "--eval", str(INPUTS / "classify-labelled.csv"), home=tmp_path / "home",
               env=ENV)
    report = json.loads(proc.stdout)
    golden = set(CONTRACT["json_fields"]["classify --eval"])
    assert golden <= set(report), f"classify --eval --json fields gone: {sorted(golden - set(report))}"
