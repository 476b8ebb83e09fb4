"""``scn alerts subscribe|unsubscribe|list|notify|digest``: the operators' side of the alert notifications
(registered in scn/cli.py; the domain code is imported when a command runs)."""

from __future__ import annotations

import argparse
import json
import sys


def _known_city(city_id: str) -> bool:
    from scn.access.users import known_city_ids

    return city_id in known_city_ids()


def _print_sent(sent: list[dict], as_json: bool) -> int:
    if as_json:
        print(json.dumps(sent))
    else:
        for r in sent:
            print(f"{r['city_id']}\t{r['channel']}\t{r['target']}\t{r['mode']}\t{len(r['alerts'])} alert(s)\t"
                  f"{r['status']}")
        if not sent:
            print("nothing to send")
    return 1 if any(r["status"] != "sent" for r in sent) else 0


def run(args: argparse.Namespace) -> int:
    from scn.alerts import store
    from scn.hub import audit

    try:
        if args.action in ("subscribe", "unsubscribe") and not _known_city(args.city):
            print(f"scn alerts {args.action}: unknown city {args.city!r}", file=sys.stderr)
            return 2
        if args.action == "subscribe":
            row = store.subscribe(args.city, args.target, "digest" if args.digest else "immediate", args.lang)
            audit.record(audit.cli_actor(), "alerts.subscribe", row["target"], row["city_id"],
                         {"channel": row["channel"], "mode": row["mode"], "lang": row["lang"]})
            print(json.dumps(row) if args.json else f"{row['target']} ({row['channel']}, {row['mode']}, "
                                                    f"{row['lang']}) subscribed to the alerts of {row['city_id']}")
            return 0
        if args.action == "unsubscribe":
            if not store.unsubscribe(args.city, args.target):
                print(f"scn alerts unsubscribe: {args.target} is not subscribed to {args.city}", file=sys.stderr)
                return 2
            audit.record(audit.cli_actor(), "alerts.unsubscribe", args.target, args.city)
            print(f"{args.target} unsubscribed from the alerts of {args.city}")
            return 0
        if args.action == "list":
            subs = store.subscriptions(args.city)
            if args.json:
                print(subs.to_json(orient="records"))
            else:
                for r in subs.itertuples():
                    print(f"{r.city_id}\t{r.channel}\t{r.target}\t{r.mode}\t{r.lang}")
            return 0
        from scn.alerts.notifier import notify

        return _print_sent(notify("digest" if args.action == "digest" else "immediate", city_id=args.city),
                           args.json)
    except store.AlertError as exc:
        print(f"scn alerts {args.action}: {exc}", file=sys.stderr)
        return 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The ``alerts`` command and its actions."""
    p = sub.add_parser("alerts", help="subscribers of each city's alerts: subscribe, list, send notifications",
                       description="Each city's alerts go to its subscribers (an e-mail address through "
                       "SCN_SMTP_*, or a webhook URL), immediately or in a daily digest, as the city's official "
                       "sees them (small counts suppressed, no post text). Each alert reaches a subscriber once; "
                       "the pipeline sends after each publish (docs/alerts.md).")
    asub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    ps = asub.add_parser("subscribe", help="add an e-mail address or webhook URL to a city's alerts")
    ps.add_argument("target", metavar="EMAIL_OR_URL")
    ps.add_argument("--city", required=True, metavar="CITY_ID")
    ps.add_argument("--digest", action="store_true", help="one message a day instead of one per alert")
    ps.add_argument("--lang", choices=("en", "fr", "ar"), default="en", help="language of the messages")
    ps.add_argument("--json", action="store_true", help="one JSON object: city_id, channel, target, mode, lang, "
                    "created_at")
    pu = asub.add_parser("unsubscribe", help="remove a subscriber of a city")
    pu.add_argument("target", metavar="EMAIL_OR_URL")
    pu.add_argument("--city", required=True, metavar="CITY_ID")
    pl = asub.add_parser("list", help="list subscribers: city, channel, target, mode, language")
    pl.add_argument("--city", metavar="CITY_ID")
    pl.add_argument("--json", action="store_true", help="one JSON array of {city_id, channel, target, mode, lang, "
                    "created_at}")
    for name, text in (("notify", "send the alerts not yet sent to immediate subscribers"),
                       ("digest", "send today's digest to digest subscribers (once a day)")):
        pn = asub.add_parser(name, help=text)
        pn.add_argument("--city", metavar="CITY_ID")
        pn.add_argument("--json", action="store_true", help="one JSON array of {city_id, channel, target, mode, "
                        "alerts, status}")
    for action in asub.choices.values():
        action.set_defaults(func=run)
