"""Notifications of new alerts to each city's subscribers: e-mail (smtplib, ``SCN_SMTP_*``) and webhook (JSON
POST through ``scn.alerts.webhooks.post``: public hosts only, checked again before each send), immediately or as a
daily digest.

What a subscriber gets is what the city's official sees: the published alerts shaped by
``scn.privacy.disclosure.for_audience(..., "official")`` (small counts suppressed), as facts (codes and numbers,
``scn.alerts.catalog``) with a sentence in the subscriber's language (``scn.words.alerts``, the inbox's words too);
the snapshot holds no post text, and none is sent. Each alert reaches each subscriber once: deliveries are claimed
in the inbox store before sending and released when a send fails (tried again on the next run). Closed alerts
and alerts older than ``SCN_ALERT_EXPIRE_DAYS`` are not sent. A digest goes out at most once a day per
subscriber, with every alert not yet sent to it."""

from __future__ import annotations

import logging
import math
import smtplib
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pandas as pd
import pyarrow.parquet as pq
import requests

from scn.alerts import store, webhooks
from scn.alerts.catalog import alert_facts, shaped
from scn.privacy.disclosure import ALERT_TOTAL_COLUMNS
from scn.settings import settings
from scn.words.alerts import alert_message, alert_sentence

log = logging.getLogger(__name__)
AUDIENCE = "official"  # subscribers are the city's people: they get what its official sees


def published_facts(today: date | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The open, unexpired alerts of the serving snapshot shaped for officials, as facts; and the city names."""
    from scn.publish import serving

    try:
        alerts = serving.read_serving("alerts")
    except (serving.NoSnapshotError, FileNotFoundError, KeyError):
        return alert_facts(pd.DataFrame()), {}
    areas = _optional("areas")
    cities = _optional("cities")
    names = dict(zip(cities["city_id"], cities["name"], strict=True)) if {"city_id", "name"} <= set(cities) else {}
    facts = alert_facts(shaped(alerts, AUDIENCE, _totals, k=settings().suppress_below), areas, today)
    closed = store.states()
    closed = set(closed.loc[closed["state"] == "closed", "alert_id"]) if len(closed) else set()
    keep = ~facts["alert_id"].isin(closed) & (facts["age_days"].fillna(0) <= settings().alert_expire_days)
    return facts[keep.to_numpy(bool)].reset_index(drop=True), names


def _optional(name: str) -> pd.DataFrame:
    from scn.publish import serving

    try:
        return serving.read_serving(name)
    except (serving.NoSnapshotError, FileNotFoundError, KeyError):
        return pd.DataFrame()


def _totals(name: str) -> pd.DataFrame:
    """A published table of the totals alert counts are set against, its needed columns only (every city's
    ``cell_month`` is read once a day)."""
    from scn.publish import serving

    try:
        names = set(pq.read_schema(serving.table_path(name)).names)
        return serving.read_serving(name, columns=[c for c in ALERT_TOTAL_COLUMNS if c in names])
    except (serving.NoSnapshotError, FileNotFoundError):
        return pd.DataFrame()


def _plain(value: object) -> object:
    """A JSON-safe scalar: NaN/NA (suppressed or absent) as null, numpy numbers as Python numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value.item() if hasattr(value, "item") else value


def _inbox_url() -> str:
    return settings().dashboard_url.rstrip("/") + "/alerts"


def render(facts: list[dict], city_name: str, lang: str) -> tuple[str, str]:
    """Subject and body of one notification in ``lang`` (the inbox's words, ``scn.words.alerts``)."""
    return alert_message(facts, city_name, lang, _inbox_url(), settings().suppress_below)


def payload(facts: list[dict], city_id: str, city_name: str, lang: str, kind: str) -> dict:
    """The webhook body: ``text`` (subject and body, Slack/Teams-style) and every alert's codes and numbers."""
    subject, body = render(facts, city_name, lang)
    keys = ("alert_id", "alert_type", "area_code", "area_name", "period", "raised_on", "age_days", "this_week",
            "usual", "posts", "accounts", "counts_withheld")
    return {"text": f"{subject}\n{body}", "kind": kind, "city_id": city_id, "city": city_name, "lang": lang,
            "url": _inbox_url(), "alerts": [{**{k: _plain(f.get(k)) for k in keys},
                                            "sentence": alert_sentence(f, lang, city_name, k=settings().suppress_below)}
                                           for f in facts]}


def send_email(to: str, subject: str, body: str) -> None:
    """One plain-text e-mail through the configured SMTP server (``SCN_SMTP_*``); raises on failure."""
    s = settings()
    if not s.smtp_host:
        raise smtplib.SMTPException("no SMTP server configured (SCN_SMTP_HOST)")
    msg = EmailMessage()
    # one line: the subject holds a partner's area and city names, and a line break in a header is refused
    # (ValueError) or, written raw, would start another header
    msg["Subject"], msg["From"], msg["To"] = " ".join(subject.split()), s.smtp_from, to
    msg.set_content(body)
    client = smtplib.SMTP_SSL if s.smtp_tls == "ssl" else smtplib.SMTP
    with client(s.smtp_host, s.smtp_port, timeout=30) as smtp:
        if s.smtp_tls == "starttls":
            smtp.starttls()
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password or "")
        smtp.send_message(msg)


def _send(sub: dict, facts: list[dict], city_name: str, kind: str) -> None:
    if sub["channel"] == "webhook":
        webhooks.post(sub["target"], payload(facts, sub["city_id"], city_name, sub["lang"], kind))
    else:
        send_email(sub["target"], *render(facts, city_name, sub["lang"]))


def notify(mode: str = "immediate", today: date | None = None, city_id: str | None = None) -> list[dict]:
    """Send what is due to the subscribers of ``mode`` (immediate: one message per new alert; digest: one
    message with every alert not yet sent, once a day). Returns one record per message tried: city_id, channel,
    target, mode, alerts (ids), status (``sent`` or ``failed: ...``)."""
    if mode not in store.MODES:
        raise store.AlertError(f"mode must be one of {store.MODES}, not {mode!r}")
    subs = store.subscriptions(city_id)
    subs = subs[subs["mode"] == mode] if len(subs) else subs
    if subs.empty:
        return []
    facts, names = published_facts(today)
    day = (today or datetime.now(UTC).date()).isoformat()
    out = []
    for sub in subs.to_dict("records"):  # a handful of subscribers per city
        city = facts[facts["city_id"] == sub["city_id"]]
        pending = [a for a in city["alert_id"] if a not in store.delivered(sub)]
        if not pending or (mode == "digest" and not store.claim_digest(sub, day)):
            continue
        claimed = store.claim(sub, pending, mode)
        if not claimed:
            continue
        rows = city[city["alert_id"].isin(claimed)].to_dict("records")
        messages = [rows] if mode == "digest" else [[r] for r in rows]
        for group in messages:
            ids = [r["alert_id"] for r in group]
            try:
                _send(sub, group, names.get(sub["city_id"], sub["city_id"]), "digest" if mode == "digest" else "alert")
                status = "sent"
            except (requests.RequestException, smtplib.SMTPException, OSError, webhooks.WebhookRefused,
                    ValueError) as exc:  # a message that cannot be composed or sent fails alone
                status = f"failed: {exc}"
                log.warning("alert notification to %s %s failed: %s", sub["channel"], sub["target"], exc)
                if mode == "digest":
                    store.release_digest(sub, day)
            store.settle(sub, ids, status == "sent")
            out.append({"city_id": sub["city_id"], "channel": sub["channel"], "target": sub["target"],
                        "mode": mode, "alerts": ids, "status": status})
    return out
