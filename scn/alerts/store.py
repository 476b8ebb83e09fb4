"""The alert inbox state, its history and the cities' subscriptions: one SQLite file,
``$SCN_HOME/alerts/inbox.sqlite``, in WAL mode with a busy timeout, so several dashboard workers, the CLI and the
notifier write it together (each change is one ``BEGIN IMMEDIATE`` transaction).

- ``alert_state``: the current state of an alert (new, acknowledged, closed); an alert with no row is new;
- ``alert_history``: every action (who, when, what, the note), never rewritten;
- ``subscriptions``: per city, an e-mail address or a webhook URL, ``immediate`` or ``digest`` (daily), a language;
- ``deliveries``: what was sent to whom (claimed before sending: each alert reaches a subscriber once, also when
  two notifiers run at once); ``digests``: the day each subscriber's digest went out (at most one a day).
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from scn import sqlite
from scn.alerts import webhooks
from scn.alerts.catalog import ACTIONS, STATES
from scn.settings import paths

CHANNELS = ("email", "webhook")
MODES = ("immediate", "digest")
LANGS = ("en", "fr", "ar")
EMAIL = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+")
URL = re.compile(r"https?://[^\s<>\"']+")
MAX_NOTE = 2000
_SCHEMA = """
create table if not exists alert_state (alert_id text primary key, city_id text not null, state text not null,
    changed_at text not null, changed_by text not null, note text);
create table if not exists alert_history (id integer primary key autoincrement, alert_id text not null,
    city_id text not null, action text not null, state text not null, actor text not null, note text,
    at text not null);
create index if not exists alert_history_alert on alert_history (alert_id);
create table if not exists subscriptions (city_id text not null, channel text not null, target text not null,
    mode text not null, lang text not null, created_at text not null, primary key (city_id, channel, target));
create table if not exists deliveries (alert_id text not null, city_id text not null, channel text not null,
    target text not null, mode text not null, status text not null, at text not null,
    primary key (alert_id, channel, target));
create table if not exists digests (city_id text not null, channel text not null, target text not null,
    day text not null, at text not null, primary key (city_id, channel, target, day));
"""


class AlertError(ValueError):
    """A change the inbox refuses (unknown action, bad address); the message names the problem."""


def db_path() -> Path:
    return paths().home / "alerts" / "inbox.sqlite"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def connect(write: bool = False) -> AbstractContextManager[sqlite3.Connection]:
    """A connection to the inbox (created on first use, owner-only); ``write`` holds the write lock for the
    block and commits at its end (rolls back on error)."""
    return sqlite.session(db_path(), _SCHEMA, write=write)


def _frame(con: sqlite3.Connection, sql: str, params: tuple = ()) -> pd.DataFrame:
    cur = con.execute(sql, params)
    return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description])


# ------------------------------------------------------------------------------------------------ inbox state
def states(alert_ids: list[str] | None = None) -> pd.DataFrame:
    """alert_id, city_id, state, changed_at, changed_by, note of the alerts that were acted on."""
    with connect() as con:
        frame = _frame(con, "select * from alert_state")
    return frame if alert_ids is None else frame[frame["alert_id"].isin(alert_ids)].reset_index(drop=True)


def history(alert_ids: list[str] | None = None) -> pd.DataFrame:
    """Every action on the alerts (oldest first): alert_id, city_id, action, state, actor, note, at."""
    with connect() as con:
        frame = _frame(con, "select alert_id, city_id, action, state, actor, note, at from alert_history "
                            "order by id")
    return frame if alert_ids is None else frame[frame["alert_id"].isin(alert_ids)].reset_index(drop=True)


def act(alert_id: str, city_id: str, action: str, actor: str, note: str | None = None) -> str:
    """Apply ``action`` (acknowledge, close, reopen) by ``actor`` with an optional note; returns the new state.
    Who may act on which city is the caller's rule (dashboards/pages/alerts.py)."""
    if action not in ACTIONS:
        raise AlertError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    note = (note or "").strip()[:MAX_NOTE] or None
    state, at = ACTIONS[action], now()
    with connect(write=True) as con:
        con.execute("insert into alert_state values (?, ?, ?, ?, ?, ?) on conflict (alert_id) do update set "
                    "state = excluded.state, changed_at = excluded.changed_at, changed_by = excluded.changed_by, "
                    "note = excluded.note", (alert_id, city_id, state, at, actor, note))
        con.execute("insert into alert_history (alert_id, city_id, action, state, actor, note, at) "
                    "values (?, ?, ?, ?, ?, ?, ?)", (alert_id, city_id, action, state, actor, note, at))
    assert state in STATES
    return state


# ------------------------------------------------------------------------------------------------ subscriptions
def channel_of(target: str) -> str:
    """``webhook`` for an http(s) URL to a public host (``scn.alerts.webhooks.check``), ``email`` for an address;
    AlertError for anything else (another scheme, ``file://``, ``gopher://``, a loopback or private host)."""
    if "://" in target:  # a URL, never an address (``gopher://x@y.z`` is not mail)
        try:
            webhooks.check(target)
        except webhooks.WebhookRefused as exc:
            raise AlertError(str(exc)) from exc
        if URL.fullmatch(target):
            return "webhook"
    elif EMAIL.fullmatch(target):
        return "email"
    raise AlertError(f"not an e-mail address or an http(s) URL: {target!r}")


def subscribe(city_id: str, target: str, mode: str = "immediate", lang: str = "en") -> dict:
    """Add (or change the mode and language of) a subscriber of ``city_id``: an e-mail address or a webhook URL."""
    if mode not in MODES:
        raise AlertError(f"mode must be one of {MODES}, not {mode!r}")
    if lang not in LANGS:
        raise AlertError(f"language must be one of {LANGS}, not {lang!r}")
    channel = channel_of(target)
    target = same_address(target) if channel == "email" else target
    row = {"city_id": city_id, "channel": channel, "target": target, "mode": mode, "lang": lang,
           "created_at": now()}
    with connect(write=True) as con:
        con.execute("insert into subscriptions values (:city_id, :channel, :target, :mode, :lang, :created_at) "
                    "on conflict (city_id, channel, target) do update set mode = excluded.mode, "
                    "lang = excluded.lang", row)
    return row


def same_address(address: str) -> str:
    """An e-mail address as one subscriber: lower-cased (``Ana@X.org`` and ``ana@x.org`` reach one mailbox and
    must get one mail)."""
    return address.strip().lower()


def unsubscribe(city_id: str, target: str) -> bool:
    """Remove a subscriber; True when there was one (an address in any case)."""
    with connect(write=True) as con:
        return con.execute("delete from subscriptions where city_id = ? and (target = ? or (channel = 'email' "
                           "and lower(target) = ?))", (city_id, target, same_address(target))).rowcount > 0


def subscriptions(city_id: str | None = None) -> pd.DataFrame:
    """city_id, channel, target, mode, lang, created_at (one city's, or all)."""
    with connect() as con:
        if city_id is None:
            return _frame(con, "select * from subscriptions order by city_id, channel, target")
        return _frame(con, "select * from subscriptions where city_id = ? order by channel, target", (city_id,))


# ------------------------------------------------------------------------------------------------ deliveries
def claim(sub: dict, alert_ids: list[str], mode: str) -> list[str]:
    """Of ``alert_ids``, those not yet delivered to subscriber ``sub``, now marked ``sending`` for this caller."""
    claimed = []
    with connect(write=True) as con:
        for alert_id in alert_ids:  # a handful of alerts per subscriber
            cur = con.execute("insert or ignore into deliveries values (?, ?, ?, ?, ?, 'sending', ?)",
                              (alert_id, sub["city_id"], sub["channel"], sub["target"], mode, now()))
            if cur.rowcount:
                claimed.append(alert_id)
    return claimed


def settle(sub: dict, alert_ids: list[str], sent: bool) -> None:
    """Mark claimed deliveries ``sent``, or release them (a failed send is tried again on the next run)."""
    with connect(write=True) as con:
        for alert_id in alert_ids:
            if sent:
                con.execute("update deliveries set status = 'sent', at = ? where alert_id = ? and channel = ? "
                            "and target = ?", (now(), alert_id, sub["channel"], sub["target"]))
            else:
                con.execute("delete from deliveries where alert_id = ? and channel = ? and target = ? and "
                            "status = 'sending'", (alert_id, sub["channel"], sub["target"]))


def delivered(sub: dict) -> set[str]:
    """Alert ids already sent (or being sent) to a subscriber."""
    with connect() as con:
        rows = con.execute("select alert_id from deliveries where channel = ? and target = ?",
                           (sub["channel"], sub["target"])).fetchall()
    return {r[0] for r in rows}


def deliveries() -> pd.DataFrame:
    with connect() as con:
        return _frame(con, "select * from deliveries order by at")


def claim_digest(sub: dict, day: str) -> bool:
    """True once per subscriber and day: the caller sends that day's digest."""
    with connect(write=True) as con:
        return con.execute("insert or ignore into digests values (?, ?, ?, ?, ?)",
                           (sub["city_id"], sub["channel"], sub["target"], day, now())).rowcount > 0


def release_digest(sub: dict, day: str) -> None:
    """Forget a digest that could not be sent (tried again on the next run)."""
    with connect(write=True) as con:
        con.execute("delete from digests where city_id = ? and channel = ? and target = ? and day = ?",
                    (sub["city_id"], sub["channel"], sub["target"], day))
