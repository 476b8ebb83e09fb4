"""`scn`: what staff and engineers do by hand. Verb names, flags and JSON fields are contracts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from scn import vocabularies
from scn.alerts import commands as alerts_commands
from scn.hub import library_commands
from scn.publish.catalog import KINDS as EXPORT_KINDS
from scn.settings import KINDS, paths, settings

EXPORT_KIND_NAMES = tuple(EXPORT_KINDS)


def _cmd_demo(args: argparse.Namespace) -> int:
    from scn.demo import generate

    home = paths().ensure().home
    if args.if_empty and any(p.is_file() for p in paths().inbox.rglob("*")):
        print(f"inbox {paths().inbox} already holds data: demo world not generated")
        return 0
    if args.size == "city":  # one London-size city, its published files in home/published (scn.demo.bigcity)
        from scn.demo.bigcity import generate as generate_city

        summary = generate_city(home, seed=args.seed)
    else:
        summary = generate(home, seed=args.seed, size=args.size, null=args.null)
    print(json.dumps(summary, default=str, indent=None if args.json else 2)[:4000] if args.json
          else f"demo world (seed {args.seed}, {args.size}{', null' if args.null else ''}) written to {paths().inbox}")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from scn.ingest.pipeline import ingest_file
    from scn.ingest.result import IngestError

    paths().ensure()
    progress = None
    if not args.json and sys.stderr.isatty():
        def progress(rows: int) -> None:
            print(f"\r{args.path}: {rows:,} rows read", end="", file=sys.stderr, flush=True)
    try:
        options = {k: v for k, v in (("value_columns", args.value_column), ("category", args.category),
                                     ("hate", args.hate or None)) if v}
        misplaced = [f for f, kind in (("value_columns", "area-attributes"), ("category", "crime-counts"),
                                       ("hate", "crime-counts")) if f in options and args.kind != kind]
        if misplaced:
            flag = "--" + misplaced[0].replace("_columns", "-column").replace("_", "-")
            print(f"scn ingest: {flag} applies to another kind of file, not {args.kind}", file=sys.stderr)
            return 2
        result = ingest_file(args.kind, Path(args.path), city_id=args.city, progress=progress, options=options)
    except IngestError as exc:
        print(f"scn ingest: {exc}", file=sys.stderr)
        return 2
    if progress:
        print(file=sys.stderr)
    out = result.to_json()
    if args.json:
        print(json.dumps(out, default=str, ensure_ascii=False))
    else:
        print(f"{out['file']}: read {out['rows_read']}, accepted {out['accepted']}, "
              f"quarantined {out['quarantined']}, duplicates {out['duplicates']}; original archived to "
              f"{out['archived_to']}")
        for err in out["errors"][:5]:
            print(f"  row {err['row']}, field {err['field']}: {err['reason']}")
        for warning in out["warnings"]:
            print(f"  warning {warning['code']}: " + ", ".join(f"{k}={v}" for k, v in warning.items() if k != "code"))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from orchestration.run import run_pipeline

    ok = run_pipeline(selection=args.select, publish=not args.no_publish, full=args.full)
    return 0 if ok else 1


def _cmd_export(args: argparse.Namespace) -> int:
    from scn.publish.exports import ExportError, export
    from scn.publish.serving import NoSnapshotError, read_serving

    try:
        if args.city is not None and args.city not in set(read_serving("cities")["city_id"]):
            print(f"scn export: unknown city '{args.city}' (not in the published cities)", file=sys.stderr)
            return 2
        out = export(args.kind, args.format, Path(args.out),
                     city_id=args.city, audience=args.audience)
    except (NoSnapshotError, ExportError) as exc:
        print(f"scn export: {exc}", file=sys.stderr)
        return 2
    print(out)
    return 0


def _cmd_analyse(args: argparse.Namespace) -> int:
    from scn.analysis.engine import PanelError, analyse, json_lines, read_areas, read_panel

    try:
        panel = read_panel(Path(args.panel))
        areas = read_areas(Path(args.areas)) if args.areas else None
    except PanelError as exc:
        print(f"scn analyse: {exc}", file=sys.stderr)
        return 2
    table = analyse(panel, areas)
    if args.json:
        for line in json_lines(table):
            print(line)
        return 0
    for r in table.itertuples(index=False):
        print(f"{r.city_id}\tverdict\t{r.verdict}" if r.analysis == "verdict" else
              f"{r.city_id}\t{r.analysis}\tlag {r.lag}\t{r.estimate:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]"
              f"\tp={r.p_value:.3g}\tn={r.n}\t{r.unit}")
    return 0


def _cmd_classify(args: argparse.Namespace) -> int:
    from scn.nlp.evaluation import evaluate_file
    from scn.nlp.io import read_classify_input
    from scn.nlp.model import classify

    if args.eval:
        try:
            report = evaluate_file(Path(args.eval))
        except (ValueError, OSError) as exc:  # a file that cannot be evaluated: its problem, no traceback
            print(f"scn classify --eval: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(report, default=str, ensure_ascii=False, indent=None if args.json else 2))
        return 0
    texts: list[str] = list(args.texts)
    if args.file:
        texts += read_classify_input(Path(args.file))
    if not texts:
        texts = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    result = classify(texts)
    for i, row in enumerate(result.itertuples(index=False)):
        rec = {"index": i, "label": row.label, "score_hate": round(float(row.score_hate), 6), "lang": row.lang,
               "assessed": bool(row.assessed), "method": row.method, "model_version": row.model_version}
        if args.json:
            print(json.dumps(rec, ensure_ascii=False))
        else:
            flag = "" if rec["assessed"] else "  (not assessed: language not covered)"
            flag = "  (lexicon: word-list match only, accuracy not measured)" if row.method == "lexicon" else flag
            print(f"{i}\t{rec['label']}\t{rec['score_hate']:.3f}\t{rec['lang']}{flag}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from dashboards.app import is_loopback, serve
    from scn.access.users import has_users

    if args.no_auth and not is_loopback(args.host):
        print(f"scn serve: --no-auth is refused on {args.host}: only on a loopback address (127.0.0.1, ::1)",
              file=sys.stderr)
        return 2
    if not has_users() and not args.no_auth:
        print("scn serve: log-in required and no dashboard user exists yet; create the first one with\n"
              "  echo 'a long password' | scn user add NAME --role staff", file=sys.stderr)
    serve(host=args.host, port=args.port, no_auth=args.no_auth)
    return 0


def _read_password(verb: str) -> str | None:
    """The password: the first line of stdin (its line break dropped)."""
    from scn.access.users import UserError, check_password

    password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    try:
        return check_password(password)
    except UserError as exc:
        print(f"scn user {verb}: {exc} (give it as the first line of stdin)", file=sys.stderr)
        return None


def _cmd_user(args: argparse.Namespace) -> int:
    from scn.access import users
    from scn.hub import audit

    verb = args.action
    try:
        if verb == "list":
            found = users.list_users()
            if args.json:
                print(json.dumps([{"username": u.username, "role": u.role, "city_id": u.city_id} for u in found]))
            else:
                for u in found:
                    print(f"{u.username}\t{u.role}\t{u.city_id or ''}")
            return 0
        if verb == "remove":
            users.remove_user(args.username)
            audit.record(audit.cli_actor(), "user.remove", args.username)
            print(f"user {args.username} removed (their sessions ended)")
            return 0
        users.check_username(args.username)
        if verb == "add":
            if args.role == "official" and not args.city:
                print("scn user add: an official needs --city CITY_ID", file=sys.stderr)
                return 2
            if not args.update and users.get_user(args.username) is not None:
                raise users.UserError(f"user {args.username!r} already exists (pass --update to replace it)")
        elif users.get_user(args.username) is None:
            raise users.UserError(f"no user {args.username!r}")
        password = _read_password(verb)
        if password is None:
            return 2
        if verb == "passwd":
            users.set_password(args.username, password)
            audit.record(audit.cli_actor(), "user.passwd", args.username)
            print(f"password of {args.username} changed (their sessions ended)")
            return 0
        existed = users.get_user(args.username) is not None
        users.add_user(args.username, role=args.role, city_id=args.city, password=password, update=args.update)
        audit.record(audit.cli_actor(), "user.change" if existed else "user.add", args.username, args.city,
                     {"role": args.role})
    except users.UserError as exc:
        print(f"scn user {verb}: {exc}", file=sys.stderr)
        return 2
    print(f"user {args.username} ({args.role}{', ' + args.city if args.city else ''}) saved")
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    from scn.hub.audit import entries
    from scn.oneline import printable

    found = entries(args.limit, actor=args.actor, action=args.action, target=args.target)
    if args.json:
        print(found.to_json(orient="records", force_ascii=False))
    for r in ([] if args.json else found.itertuples()):  # escaped again: rows written before escaping existed
        line = f"{r.at}  {printable(r.actor)}  {printable(r.action)}  {printable(r.target)}" \
            + (f"  city={printable(r.city_id)}" if r.city_id else "") \
            + (f"  {printable(r.detail)}" if r.detail and r.detail != "{}" else "")
        print(line)
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    import getpass

    from scn.review import loop

    verb = args.action
    try:
        if verb == "sample":
            out = loop.sample(args.city, args.lang, n=args.n, seed=args.seed)
            print(json.dumps(out) if args.json else
                  f"{out['city_id']}/{out['lang']}: drew {out['drawn']} posts ({out['random']} random, "
                  f"{out['uncertainty']} uncertain) of {out['population']}; {out['sampled_total']} sampled in all")
        elif verb == "export":
            path, rows = loop.export_csv(args.city, f"cli:{getpass.getuser()}",
                                         Path(args.out) if args.out else None)
            print(f"{rows} posts to label written to {path} (raw text: keep it private; the export is logged)")
        elif verb == "import":
            out = loop.import_csv(Path(args.file))
            print(json.dumps(out) if args.json else
                  f"{out['file']}: {out['labelled']} labels ({out['added']} new, {out['replaced']} replaced), "
                  f"{out['skipped']} rows without a label skipped")
        else:
            out = {**loop.train(args.city, args.lang), "relabelled": 0}
            if out["adopted"]:
                from scn import lake
                from scn.enrich.tables import classify_new_posts, enrich_posts

                out["relabelled"] = classify_new_posts()["classified"]
                if lake.has_table("posts_enriched"):
                    enrich_posts()  # the marts pick the new labels up at the next `scn run`
                loop.refresh(args.city)  # measured again on the held-out posts, with the new labels
            if args.json:
                print(json.dumps(out))
            else:
                scores = (f"adapter macro-F1 {out['adapter_macro_f1']:.3f} vs current {out['current_macro_f1']:.3f} "
                          f"on {out['n_holdout']} held-out posts" if out["adapter_macro_f1"] is not None else
                          out["reason"])
                print(f"{args.city}/{args.lang}: {scores}; " + (
                    f"adopted {out['version']}, {out['relabelled']} posts re-labelled (publish with `scn run`)"
                    if out["adopted"] else f"not adopted ({out['reason']})"))
    except loop.ReviewError as exc:
        print(f"scn review {verb}: {exc}", file=sys.stderr)
        return 2
    return 0


def _cmd_collect(args: argparse.Namespace) -> int:
    from datetime import datetime

    from scn.ingest.sources.base import AuthError, ConfigError
    from scn.ingest.sources.collect import collect

    paths().ensure()
    try:
        since = datetime.fromisoformat(args.since.replace("Z", "+00:00")) if args.since else None
    except ValueError:
        print(f"{args.source}: --since '{args.since}' is not an ISO 8601 time", file=sys.stderr)
        return 2

    def progress(r) -> None:
        print(f"{r.source}/{r.city_id}: page {r.pages}, fetched {r.fetched}, accepted {r.accepted}, "
              f"{r.requests} requests", file=sys.stderr, flush=True)
    try:
        result = collect(args.source, args.city, since=since, instance=args.instance, tags=args.tag or None,
                         progress=progress)
    except (AuthError, ConfigError) as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
        return 2
    out = result.to_json()
    if args.json:
        print(json.dumps(out, default=str, ensure_ascii=False))
    else:
        print(f"{args.source}/{args.city}: fetched {out['fetched']}, accepted {out['accepted']}, quarantined "
              f"{out['quarantined']}, duplicates {out['duplicates']}, {out['requests']} requests"
              + "".join(f"\n  {e}" for e in out["errors"]))
    return 0 if result.answered else 1


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="scn", description="Strong Cities Network data platform. State lives in "
                                 "$SCN_HOME (default ./.scn).")
    sub = ap.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = sub.add_parser("demo", help="write the bundled demo world into $SCN_HOME/inbox",
                       description="Generate a deterministic demo world (real SCN member cities, 24 months of "
                       "posts, crimes, surveys and programme records, with a documented planted effect; see "
                       "docs/demo-world.md) as the files a real user would hand us, into $SCN_HOME/inbox.")
    p.add_argument("--seed", type=int, default=11, help="random seed (same seed, same files)")
    p.add_argument("--size", choices=("small", "medium", "large", "city"), default="small",
                   help="small: minutes; large: ~10M posts, 1M crimes, 30 cities (benchmarks); city: London at "
                   "real size (4,835 areas in British National Grid, ~2,500 cells, population and hate-crime "
                   "count files in $SCN_HOME/published/london)")
    p.add_argument("--null", action="store_true", help="a world with no link between speech and hate crime")
    p.add_argument("--if-empty", action="store_true", help="do nothing when the inbox already holds files")
    p.add_argument("--json", action="store_true", help="print the world's summary as JSON")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("ingest", help="validate and load one file into the lake",
                       description="Archive the original (by content hash), validate rows, pseudonymise authors, "
                       "write accepted rows to the lake and rejected rows to the quarantine. Exit 0 when the file "
                       "was read (even with quarantined rows), 2 when it cannot be used at all.")
    p.add_argument("kind", choices=KINDS, metavar="KIND", help="|".join(KINDS))
    p.add_argument("path", metavar="PATH")
    p.add_argument("--city", metavar="CITY_ID", help="city the file belongs to (lowercase slug, e.g. london)")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object: file, kind, city_id, "
                   "rows_read, accepted, quarantined, duplicates, archived_to, errors, warnings")
    p.add_argument("--value-column", action="append", metavar="NAME", help="area-attributes: a column holding "
                   "values (repeat for several; default: every numeric column). A wide file's row is one (area, "
                   "column) cell")
    p.add_argument("--category", metavar="TEXT", help="crime-counts: the crime category of a file without one")
    p.add_argument("--hate", action="store_true", help="crime-counts: every count in the file is hate crime")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("collect", help="collect what is new from a platform, survey server or police API",
                       description="Fetch what is new since the last run (per source and city cursor), archive the "
                       "raw responses, validate and pseudonymise like `scn ingest`. Settings: config/sources.yml "
                       "(docs/collection.md). Exit 0 when the source answered (even with nothing new), 1 when it "
                       "did not answer, 2 for unusable configuration or credentials.")
    p.add_argument("source", metavar="SOURCE", help="mastodon | bluesky | bluesky-jetstream | fourchan | telegram | "
                   "reddit | x | rss | kobo | odk | police-uk")
    p.add_argument("--city", metavar="CITY_ID", required=True)
    p.add_argument("--since", metavar="ISO8601", help="how far back a first run goes")
    p.add_argument("--instance", metavar="URL", help="base URL (Mastodon instance, API host)")
    p.add_argument("--tag", metavar="TAG", nargs="+", action="extend", help="hashtags (without #)")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object: source, city_id, fetched, "
                   "accepted, quarantined, duplicates, requests, cursor, errors")
    p.set_defaults(func=_cmd_collect)

    p = sub.add_parser("run", help="materialize assets (all by default), then publish the serving snapshot",
                       description="Run the Dagster asset graph in process on the $SCN_HOME instance: ingest "
                       "the inbox, enrich, dbt build (tests as checks), analyses, publish.")
    p.add_argument("--select", metavar="SELECTION", help="Dagster asset selection, e.g. 'group:ingest' or "
                   "'key:lake/posts+'; the serving snapshot is republished whenever it is selected")
    p.add_argument("--no-publish", action="store_true", help="with --select: do not republish the snapshot")
    p.add_argument("--full", action="store_true", help="every asset over every city, not only what is new")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("export", help="export published metrics for reports and donors",
                       description="Export a table of the published serving snapshot. CSV and XLSX neutralise "
                       "anything a spreadsheet would execute.")
    p.add_argument("kind", choices=EXPORT_KIND_NAMES, metavar="KIND", help="|".join(EXPORT_KIND_NAMES))
    p.add_argument("--format", choices=("csv", "xlsx", "parquet"), required=True)
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--city", metavar="CITY_ID", help="only this city")
    p.add_argument("--audience", choices=("staff", "official"), default="staff",  # scn.privacy.disclosure
                   help="official: small counts suppressed, no per-person data")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("analyse", help="speech x crime: within-place effects both ways and a verdict per city",
                       description="Fit the engine (docs/geo.md) on a cell x month PANEL (CSV or Parquet: city_id, "
                       "cell, period YYYY-MM, posts, flagged_posts, crimes, hate_crimes; optional population, "
                       "area_code). Exit 2, naming file, row and field, when the input cannot be used.")
    p.add_argument("panel", metavar="PANEL")
    p.add_argument("--areas", metavar="AREAS", help="CSV or Parquet: cell, area_code")
    p.add_argument("--json", action="store_true", help="one JSON object per line: city_id, analysis, lag, estimate, "
                   "ci_low, ci_high, p_value, n, unit; and per city {city_id, analysis: verdict, verdict, evidence}")
    p.set_defaults(func=_cmd_analyse, needs_settings=False)  # reads the files named, nothing of a home

    p = sub.add_parser("classify", help="label texts as hate, offensive or none",
                       description="Classify texts with the configured model ($SCN_CLASSIFIER or the shipped "
                       "default). Texts come as arguments, from --file (one per line, or CSV/JSONL with a "
                       "`text` column) or from stdin. Languages the model does not cover are flagged.")
    p.add_argument("texts", nargs="*", metavar="TEXT")
    p.add_argument("--file", metavar="PATH")
    p.add_argument("--eval", metavar="FILE", help="labelled CSV/JSONL (text, label[, lang]): print metrics")
    p.add_argument("--json", action="store_true", help="one JSON object per text: index, label, score_hate, lang")
    p.set_defaults(func=_cmd_classify)

    p = sub.add_parser("serve", help="serve the dashboards", description="Serve the Dash app (city views, "
                       "network overview, data health) from the published snapshot.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--no-auth", action="store_true", help="no log-in: while no user exists, requests from this "
                   "machine get a staff session (anyone behind a reverse proxy here too); loopback --host only")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("user", help="manage dashboard users")
    usub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    pa = usub.add_parser("add", help="add a user (or update one with --update); the password is read from stdin",
                         description="Add a dashboard user. Network staff see every city; an official sees only "
                         "their city (a city id of the registry or the serving snapshot). User names: 2-32 of "
                         "a-z 0-9 . _ - starting with a letter or digit. The password (first line of stdin, 8+ "
                         "characters) is stored hashed. An existing user is replaced only with --update, which "
                         "ends their sessions. Exit 2 when the user cannot be saved.")
    pa.add_argument("username")
    pa.add_argument("--role", choices=vocabularies.user_roles(), required=True)
    pa.add_argument("--city", metavar="CITY_ID")
    pa.add_argument("--update", action="store_true", help="replace an existing user of that name")
    pa.set_defaults(func=_cmd_user)
    pl = usub.add_parser("list", help="list users: username, role, city",
                         description="Print one line per user: username, role and city (tab-separated).")
    pl.add_argument("--json", action="store_true", help="one JSON array of {username, role, city_id}")
    pl.set_defaults(func=_cmd_user)
    pr = usub.add_parser("remove", help="remove a user (their sessions end)",
                         description="Remove a dashboard user; every session of theirs ends at once.")
    pr.add_argument("username")
    pr.set_defaults(func=_cmd_user)
    pp = usub.add_parser("passwd", help="set a user's password from stdin (their sessions end)",
                         description="Set a new password (first line of stdin, 8+ characters); every session of "
                         "the user ends.")
    pp.add_argument("username")
    pp.set_defaults(func=_cmd_user)

    p = sub.add_parser("review", help="review loop: sample posts, label them, measure and adapt the classifier",
                       description="Per city and language: draw posts to label (a random stratum for unbiased "
                       "accuracy, an uncertainty stratum for learning), export them to label offline, import the "
                       "labels, train a local adapter. Labels are stored pseudonymised under $SCN_HOME/review; "
                       "raw text is shown to reviewers only and every view or export is logged (docs/review.md).")
    rsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    rs = rsub.add_parser("sample", help="draw posts of a city and language to review")
    rs.add_argument("--city", required=True, metavar="CITY")
    rs.add_argument("--lang", required=True, metavar="LANG")
    rs.add_argument("--n", type=int, default=100, metavar="N", help="posts to draw, half at random (default 100)")
    rs.add_argument("--seed", type=int, help="random seed (default: the number of posts sampled so far)")
    rs.add_argument("--json", action="store_true", help="one JSON object: city_id, lang, batch, drawn, random, "
                    "uncertainty, sampled_total, population")
    rs.set_defaults(func=_cmd_review)
    re_ = rsub.add_parser("export", help="write a city's sample as a CSV to label offline (raw text; logged)")
    re_.add_argument("--city", required=True, metavar="CITY")
    re_.add_argument("--out", metavar="FILE", help="default $SCN_HOME/review/exports/review-CITY.csv; any file "
                      "written is recorded, and the retention job removes erased posts from it too")
    re_.set_defaults(func=_cmd_review)
    ri = rsub.add_parser("import", help="import labels from a CSV (post_key, label, target, reviewer)",
                         description="Validate and import labels; any invalid value stops the import and is "
                         "named by file, row and field (exit 2). Importing a file again never duplicates labels.")
    ri.add_argument("file", metavar="FILE")
    ri.add_argument("--json", action="store_true", help="one JSON object: file, rows, labelled, skipped, added, "
                    "replaced")
    ri.set_defaults(func=_cmd_review)
    rt = rsub.add_parser("train", help="train a city/language adapter; adopt it only if it beats the current "
                         "labelling on the held-out random stratum, then re-label")
    rt.add_argument("--city", required=True, metavar="CITY")
    rt.add_argument("--lang", required=True, metavar="LANG")
    rt.add_argument("--json", action="store_true", help="one JSON object: city_id, lang, adopted, "
                    "adapter_macro_f1, current_macro_f1, n_train, n_holdout, version, reason, relabelled")
    rt.set_defaults(func=_cmd_review)

    p = sub.add_parser("audit", help="the audit log of staff changes, newest first (docs/dashboards.md)")
    for flag in ("actor", "action", "target"):
        p.add_argument(f"--{flag}", metavar=flag.upper(), help=f"only entries of this {flag}")
    p.add_argument("--limit", type=int, default=500, help="at most this many entries (default 500)")
    p.add_argument("--json", action="store_true", help="one JSON array of {id, at, actor, action, target, city_id, "
                   "detail}")
    p.set_defaults(func=_cmd_audit)

    alerts_commands.add_parser(sub)  # scn alerts subscribe|unsubscribe|list|notify|digest (docs/alerts.md)
    library_commands.add_parser(sub)  # scn library load|search|add (docs/dashboards.md)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "needs_settings", True):
            settings()  # a setting no command could work with (SCN_HOME, a malformed value): said once, exit 2
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(map(str, err["loc"])) or "settings"
            print(f"scn: SCN_{field.upper()}: {err['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    if getattr(args, "needs_settings", True) and isinstance(getattr(args, "city", None), str):
        from scn.ingest.cities_known import resolve_city

        args.city = resolve_city(args.city)  # an id the home stored by the slug rule before: its new spelling
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
