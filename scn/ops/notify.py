"""Notifications to the data team (run failures, failed checks): a JSON-lines log file by default
(``$SCN_HOME/alerts.log``), plus a webhook when ``SCN_ALERT_WEBHOOK`` is set (Slack/Teams-style JSON POST).
``post_json`` is the one webhook sender, also for the cities' alert subscribers (scn.alerts.notifier)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import requests

from scn.settings import settings


def alert_log() -> Path:
    s = settings()
    return s.alert_log or s.home / "alerts.log"


def post_json(url: str, payload: dict, timeout: float = 10) -> None:
    """POST ``payload`` as JSON to a webhook; raises ``requests.RequestException`` when it is not accepted (2xx)."""
    requests.post(url, json=payload, timeout=timeout).raise_for_status()


def notify(subject: str, body: str, **fields: object) -> dict:
    """Record one notification in the alert log and send it to the webhook when configured."""
    record = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "subject": subject, "body": body, **fields}
    log = alert_log()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")
    url = settings().alert_webhook
    if url:
        try:
            post_json(url, {"text": f"{subject}\n{body}", **record})
            record["webhook"] = "sent"
        except requests.RequestException as exc:  # an unreachable webhook must not hide the alert in the log
            record["webhook"] = f"failed: {exc}"
    return record
