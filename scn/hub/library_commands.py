"""``scn library load|search|add``: the resource library from the command line (registered in scn/cli.py; the
domain code, scn.hub.library, is imported when a command runs). The command line is the operator's: it sees
every entry, as staff do."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

LIST_FIELDS = ("entry_id", "title", "kind", "language", "date", "access", "city_id", "themes", "cities", "region",
               "licence", "url", "file_name", "score")


def run(args: argparse.Namespace) -> int:
    from scn.access.users import User
    from scn.hub import audit, library
    from scn.oneline import printable

    try:
        if args.action == "load":
            counts = library.load(Path(args.file) if args.file else library.CATALOGUE)
            audit.record(audit.cli_actor(), "library.load", str(args.file or "catalogue"), None,
                         {k: counts[k] for k in ("entries", "removed", "total") if k in counts})
            print(json.dumps(counts) if args.json else
                  f"{counts['entries']} catalogue entries loaded ({counts['removed']} removed); "
                  f"{counts['total']} entries in {library.db_path()}")
            return 0
        if args.action == "search":
            filters = {k: getattr(args, k) for k in library.FILTERS if getattr(args, k)}
            rows = library.search(args.query, User("cli", "staff"), lang=args.lang, limit=args.limit, **filters)
            if args.json:
                print(json.dumps([{k: r.get(k) for k in LIST_FIELDS} for r in rows], ensure_ascii=False))
            else:
                for n, r in enumerate(rows, 1):  # one line per entry, whatever a stored title holds
                    print(f"{n}\t{printable(r['entry_id'])}\t{r['kind']}\t{r['language']}\t{r['date'] or '-'}\t"
                          f"{r['access']}{':' + printable(r['city_id']) if r['city_id'] else ''}\t"
                          f"{printable(r['title'])}")
                if not rows:
                    print("nothing found")
            return 0
        fields = {k: getattr(args, k) or "" for k in ("title", "summary", "kind", "language", "themes", "cities",
                                                      "region", "date", "licence", "url", "access")}
        fields["city_id"] = args.city or ""
        path = Path(args.file) if args.file else None
        entry = library.add(fields, args.actor, file_name=path.name if path else None,
                            body=path.read_bytes() if path else None)
        print(json.dumps({k: entry.get(k) for k in LIST_FIELDS}, ensure_ascii=False) if args.json
              else f"added {entry['entry_id']}: {printable(entry['title'])}")
        return 0
    except (library.LibraryError, OSError) as exc:
        print(f"scn library {args.action}: {exc}", file=sys.stderr)
        return 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The ``library`` command and its actions."""
    from scn.hub.library import ACCESS, FILTERS, KINDS, LANGS

    p = sub.add_parser("library", help="the resource library: load the catalogue, search, add entries",
                       description="Documents and links with full-text search in English, French and Arabic "
                       "($SCN_HOME/hub/library.sqlite; docs/dashboards.md, 'Resource library').")
    lsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    pl = lsub.add_parser("load", help="load the catalogue (scn/data/library.csv, or FILE): re-loading replaces "
                         "its entries and never duplicates them")
    pl.add_argument("file", nargs="?", metavar="FILE")
    pl.add_argument("--json", action="store_true", help="one JSON object: entries, removed, total")
    pl.set_defaults(func=run)
    ps = lsub.add_parser("search", help="search titles, summaries and themes (best first)")
    ps.add_argument("query", metavar="QUERY")
    ps.add_argument("--lang", choices=LANGS, help="the query's language (default: English and French stems; "
                    "Arabic script is always read as Arabic)")
    for key in FILTERS:
        ps.add_argument(f"--{key}", metavar=key.upper(), help=f"only entries of this {key}")
    ps.add_argument("--limit", type=int, default=20)
    ps.add_argument("--json", action="store_true", help="one JSON array of {" + ", ".join(LIST_FIELDS) + "}")
    ps.set_defaults(func=run)
    pa = lsub.add_parser("add", help="add a link (--url) or a file (--file); recorded in the audit log")
    pa.add_argument("--title", required=True)
    pa.add_argument("--summary", default="")
    pa.add_argument("--kind", required=True, choices=KINDS)
    pa.add_argument("--language", required=True, choices=LANGS)
    pa.add_argument("--themes", help="theme codes separated by ';'")
    pa.add_argument("--cities", help="city ids separated by ';'")
    pa.add_argument("--region")
    pa.add_argument("--date", help="YYYY, YYYY-MM or YYYY-MM-DD")
    pa.add_argument("--licence")
    pa.add_argument("--url")
    pa.add_argument("--file", metavar="PATH", help="a pdf, docx, xlsx, csv, txt, png or jpg file to store")
    pa.add_argument("--access", choices=ACCESS, default="public")
    pa.add_argument("--city", metavar="CITY_ID", help="the city of a --access city entry")
    pa.add_argument("--actor", default="cli", help="who adds it, for the audit log (default: cli)")
    pa.add_argument("--json", action="store_true", help="the entry as one JSON object")
    pa.set_defaults(func=run)
