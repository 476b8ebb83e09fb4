"""Alerts that reach people: stable ids, the inbox store, and notifications to a city's subscribers by webhook
and e-mail (loopback receivers), each alert once, shaped as its official sees it (no small counts, no text)."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scn.alerts import store
from scn.alerts.catalog import alert_facts, alert_ids
from scn.alerts.notifier import notify
from scn.settings import override
from tests.support.receivers import smtp_receiver, webhook_receiver
from tests.support.snapshots import publish_tables

TODAY = date(2026, 10, 7)  # 2026-W40 ended on Sunday 4 October: three days ago
SECRET = "kill them all at the mosque"  # a post text: never in the snapshot, never sent


def _alerts() -> pd.DataFrame:
    burst = {"code": "speech_burst", "week": "2026-W40", "baseline_weeks": 8, "p_value": 1e-6, "upper": 14}
    return pd.DataFrame({
        "city_id": ["london", "london", "saida"], "alert_type": ["burst", "burst", "coordinated"],
        "area_code": ["LON-001", "LON-002", None], "period": ["2026-W40", "2026-W40", "2026-W40"],
        "score": [6.0, 4.0, 5.0],
        "evidence": [json.dumps({**burst, "flagged_posts": 23, "baseline": 6.2}),
                     json.dumps({**burst, "flagged_posts": 3, "baseline": 0.4, "upper": 2}),
                     json.dumps({"code": "near_duplicates", "posts": 9, "accounts": 5, "fingerprint": "3f9a"})],
        "first_seen": pd.to_datetime([None, None, "2026-10-01 12:00"], utc=True),
        "last_seen": pd.to_datetime([None, None, "2026-10-01 13:00"], utc=True)})


@pytest.fixture()
def home(tmp_path: Path) -> Iterator[Path]:
    areas = pd.DataFrame({"city_id": ["london", "london"], "area_code": ["LON-001", "LON-002"],
                          "area_name": ["Old Bazaar", "Riverside"], "area_name_local": [None, None]})
    cities = pd.DataFrame({"city_id": ["london", "saida"], "name": ["London", "Saida"]})
    publish_tables(tmp_path, {"alerts": _alerts(), "areas": areas, "cities": cities})
    with override(home=tmp_path, alert_webhook_allow_private=True):  # the receivers listen on the loopback
        yield tmp_path


def test_alert_ids_are_stable_across_republishes_and_distinct() -> None:
    a = _alerts()
    ids = alert_ids(a)
    assert ids.is_unique and ids.str.fullmatch(r"a-[0-9a-f]{16}").all()
    again = alert_ids(a.iloc[::-1].assign(score=[1.0, 2.0, 3.0]))  # other order, other score: same alert, same id
    assert list(again.iloc[::-1]) == list(ids)
    twice = alert_ids(pd.concat([a.iloc[[2]], a.iloc[[2]]], ignore_index=True))
    assert list(twice) == [ids.iloc[2], ids.iloc[2] + "-2"]


def test_facts_carry_area_names_numbers_and_age() -> None:
    areas = pd.DataFrame({"city_id": ["london"], "area_code": ["LON-001"], "area_name": ["Old Bazaar"]})
    facts = alert_facts(_alerts(), areas, TODAY).set_index("area_code", drop=False)
    row = facts.loc["LON-001"]
    assert (row["area_name"], row["this_week"], row["usual"], row["age_days"]) == ("Old Bazaar", 23, 6.2, 3)
    coordinated = facts[facts["city_id"] == "saida"].iloc[0]
    assert coordinated["age_days"] == 6 and coordinated["accounts"] == 5  # last seen 1 October


def test_inbox_actions_keep_state_and_history(home: Path) -> None:
    assert store.act("a-1", "london", "acknowledge", "olive", "  looking into it ") == "acknowledged"
    assert store.act("a-1", "london", "close", "sam") == "closed"
    state = store.states(["a-1"]).iloc[0]
    assert (state["state"], state["changed_by"], state["note"]) == ("closed", "sam", None)
    hist = store.history(["a-1"])
    assert list(hist["action"]) == ["acknowledge", "close"] and hist["note"].iloc[0] == "looking into it"
    with pytest.raises(store.AlertError):
        store.act("a-1", "london", "delete", "sam")
    with pytest.raises(store.AlertError):
        store.subscribe("london", "not an address")


def test_concurrent_writers_lose_nothing_and_claim_once(home: Path) -> None:
    """Several workers acting and notifying at once (threads, each with its own connection): every action is in
    the history, and a delivery is claimed by exactly one of them."""
    from concurrent.futures import ThreadPoolExecutor

    sub = {"city_id": "london", "channel": "webhook", "target": "http://127.0.0.1:9/hook"}
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda i: store.act(f"a-{i % 3}", "london", "acknowledge", f"user{i}", f"note {i}"), range(30)))
        claims = list(pool.map(lambda _: store.claim(sub, ["a-0", "a-1"], "immediate"), range(6)))
    assert len(store.history()) == 30 and set(store.states()["alert_id"]) == {"a-0", "a-1", "a-2"}
    assert sorted(a for c in claims for a in c) == ["a-0", "a-1"]
    with store.connect() as con:
        assert con.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_webhook_gets_each_new_alert_once_as_an_official_sees_it(home: Path) -> None:
    with webhook_receiver() as hook:
        store.subscribe("london", hook.url)
        sent = notify(today=TODAY)
        assert [r["status"] for r in sent] == ["sent", "sent"] and len(hook.messages) == 2
        assert notify(today=TODAY) == [] and len(hook.messages) == 2  # a re-run sends nothing new
    by_area = {m["alerts"][0]["area_code"]: m for m in hook.messages}
    big, small = by_area["LON-001"]["alerts"][0], by_area["LON-002"]["alerts"][0]
    assert big["sentence"] == "Unusual rise in hateful posts in Old Bazaar: 23 this week vs about 6 usually"
    assert (big["this_week"], big["age_days"]) == (23, 3)
    assert small["this_week"] is None and small["usual"] is None  # 3 and 0.4 x 8 weeks: suppressed
    assert small["sentence"].endswith("fewer than 5 this week vs very few usually")
    assert "3 days ago" in by_area["LON-001"]["text"] and "/alerts" in by_area["LON-001"]["url"]
    assert all(m["city_id"] == "london" for m in hook.messages)  # saida's alert goes to saida's subscribers only


def test_failed_webhook_is_tried_again_and_closed_alerts_are_not_sent(home: Path) -> None:
    facts = alert_facts(_alerts(), None, TODAY)
    store.act(facts.loc[facts["area_code"] == "LON-002", "alert_id"].iloc[0], "london", "close", "olive")
    with webhook_receiver(status=500) as down:
        store.subscribe("london", down.url)
        assert [r["status"][:6] for r in notify(today=TODAY)] == ["failed"]
    with webhook_receiver() as up:
        store.subscribe("london", up.url)
        store.unsubscribe("london", down.url)
        assert [r["status"] for r in notify(today=TODAY)] == ["sent"]
        assert [m["alerts"][0]["area_code"] for m in up.messages] == ["LON-001"]


def test_smtp_digest_once_a_day_with_small_counts_suppressed_and_no_text(home: Path) -> None:
    with smtp_receiver() as smtp, override(smtp_host=smtp.host, smtp_port=smtp.port, smtp_from="alerts@scn.test"):
        store.subscribe("london", "officer@london.example", mode="digest", lang="fr")
        store.subscribe("saida", "mayor@saida.example", mode="digest")
        assert notify(mode="immediate", today=TODAY) == []  # digest subscribers wait for the digest
        sent = notify(mode="digest", today=TODAY)
        assert sorted(len(r["alerts"]) for r in sent) == [1, 2] and {r["status"] for r in sent} == {"sent"}
        assert notify(mode="digest", today=TODAY) == []  # same day, nothing new: nothing sent
        assert len(smtp.messages) == 2
    mail = next(m for m in smtp.messages if m["To"] == "officer@london.example")
    body = mail.get_content()
    assert mail["Subject"] == "[London] Résumé quotidien des alertes : 2 nouvelles"
    assert mail["From"] == "alerts@scn.test"
    assert "Old Bazaar : 23 cette semaine contre environ 6 d'habitude" in body
    assert "moins de 5 cette semaine contre très peu d'habitude" in body and "il y a 3 jours" in body
    hidden = r"\b3 publications|\b3 cette semaine|0[.,]4|Jusqu'à 2 "  # the small alert's numbers
    assert not re.search(hidden, body) and SECRET not in body
    assert "Saida" in next(m for m in smtp.messages if m["To"] == "mayor@saida.example")["Subject"]


def test_the_pipeline_step_sends_after_publish_and_only_once(home: Path) -> None:
    """The Dagster asset downstream of the serving snapshot runs the notifier (immediate and digest)."""
    from assets.alerts.assets import alert_notifications
    from assets.keys import SNAPSHOT_KEY
    from assets.resources import ServingResource

    assert SNAPSHOT_KEY in alert_notifications.asset_deps[alert_notifications.key]
    with webhook_receiver() as hook, override(alert_expire_days=100_000):
        store.subscribe("saida", hook.url, mode="digest")
        runs = [alert_notifications(serving_store=ServingResource(home=str(home))) for _ in range(2)]
    assert [r.metadata["alerts_sent"] for r in runs] == [1, 0] and len(hook.messages) == 1
    assert hook.messages[0]["kind"] == "digest" and hook.messages[0]["alerts"][0]["accounts"] == 5


def test_cli_subscribe_list_notify_unsubscribe(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scn.cli import main

    with webhook_receiver() as hook, override(alert_expire_days=100_000):
        assert main(["alerts", "subscribe", hook.url, "--city", "saida", "--lang", "ar", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["channel"] == "webhook"
        assert main(["alerts", "subscribe", hook.url, "--city", "atlantis"]) == 2  # not a known city
        assert main(["alerts", "list", "--json"]) == 0
        assert [s["target"] for s in json.loads(capsys.readouterr().out.strip().splitlines()[-1])] == [hook.url]
        assert main(["alerts", "notify", "--json"]) == 0
        (sent,) = json.loads(capsys.readouterr().out)
        assert sent["status"] == "sent" and len(hook.messages) == 1 and hook.messages[0]["lang"] == "ar"
        assert "نشر منسّق في Saida" in hook.messages[0]["alerts"][0]["sentence"]
        assert main(["alerts", "unsubscribe", hook.url, "--city", "saida"]) == 0
        assert main(["alerts", "unsubscribe", hook.url, "--city", "saida"]) == 2


# ------------------------------------------------------------------------------------------ webhook targets
REFUSED = ["http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://169.254.169.254/latest/meta-data/",
           "http://10.1.2.3/hook", "http://localhost/hook", "http://2130706433/", "http://0x7f.1/hook",
           "http://[fe80::1]/hook", "http://0.0.0.0/hook", "http://[::ffff:127.0.0.1]/hook", "http://192.168.1.1/",
           "http://172.16.0.1/", "http://100.64.0.1/", "http://224.0.0.1/"]
NOT_HTTP = ["file:///etc/passwd", "gopher://127.0.0.1:25/_HELO", "ftp://files.example/x", "gopher://a@b.example"]


def _resolving(monkeypatch: pytest.MonkeyPatch, answers: dict[str, str]) -> None:
    """Names resolve to ``answers`` (no DNS asked); numeric hosts resolve as the system resolves them."""
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: object, *args: object, **kw: object) -> list:
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("url", REFUSED + NOT_HTTP)
def test_subscribing_a_webhook_to_an_internal_host_or_another_scheme_is_refused(
        url: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with override(alert_webhook_allow_private=False), pytest.raises(store.AlertError) as err:
        store.subscribe("london", url)
    assert url in str(err.value) or "e-mail address" in str(err.value)
    if url in REFUSED:
        assert "non-public" in str(err.value) and "SCN_ALERT_WEBHOOK_ALLOW_PRIVATE" in str(err.value)
    else:  # even where private hosts are allowed: http and https only
        with pytest.raises(store.AlertError, match="http"):
            store.subscribe("london", url)
    assert store.subscriptions().empty


def test_a_public_host_is_accepted_and_checked_again_before_each_send(home: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from scn.cli import main

    with override(alert_webhook_allow_private=False):
        _resolving(monkeypatch, {"hooks.example": "93.184.216.34"})
        assert store.subscribe("london", "https://hooks.example/alerts")["channel"] == "webhook"
        assert main(["alerts", "subscribe", "http://169.254.169.254/", "--city", "london"]) == 2
        _resolving(monkeypatch, {"hooks.example": "127.0.0.1"})  # the name now points inside: nothing is sent
        sent = notify(today=TODAY)
        assert [r["status"][:7] for r in sent] == ["failed:"] * 2 and "non-public" in sent[0]["status"]
        assert store.deliveries().query("status == 'sent'").empty  # released: tried again on the next run


def test_a_loopback_subscription_is_not_sent_once_private_hosts_are_no_longer_allowed(home: Path) -> None:
    with webhook_receiver() as hook:
        store.subscribe("london", hook.url)  # allowed by the fixture's setting
        with override(alert_webhook_allow_private=False):
            assert all(r["status"].startswith("failed:") for r in notify(today=TODAY))
        assert hook.messages == []
        assert [r["status"] for r in notify(today=TODAY)] == ["sent", "sent"] and len(hook.messages) == 2


def test_a_redirecting_webhook_is_not_followed(home: Path) -> None:
    with webhook_receiver(status=307) as moved:
        store.subscribe("london", moved.url)
        assert all(r["status"].startswith("failed:") and "redirects" in r["status"] for r in notify(today=TODAY))


def test_line_breaks_in_partner_names_neither_stop_the_mail_nor_add_headers(tmp_path: Path) -> None:
    """An area name from a boundary file and a city name from the registry go into the subject. With a line break
    in them, composing the e-mail raised ValueError ("Header values may not contain linefeed"), which stopped
    ``notify`` for every subscriber after it, their alerts claimed and never settled. The subject is one line; a
    Bcc in a name stays text."""
    areas = pd.DataFrame({"city_id": ["london", "london"], "area_code": ["LON-001", "LON-002"],
                          "area_name": ["Old\nBazaar\r\nBcc: spy@evil.example", "Riverside"],
                          "area_name_local": [None, None]})
    cities = pd.DataFrame({"city_id": ["london", "saida"], "name": ["Lon\ndon", "Saida"]})
    publish_tables(tmp_path, {"alerts": _alerts(), "areas": areas, "cities": cities})
    with override(home=tmp_path), smtp_receiver() as smtp, \
            override(smtp_host=smtp.host, smtp_port=smtp.port, smtp_from="alerts@scn.test"):
        store.subscribe("london", "officer@london.example")
        store.subscribe("saida", "mayor@saida.example")
        sent = notify(today=TODAY)
        assert [r["status"] for r in sent] == ["sent"] * len(sent) and len(sent) >= 2
        assert {r["city_id"] for r in sent} == {"london", "saida"}
    london = [m for m in smtp.messages if m["To"] == "officer@london.example"]
    assert london and all("\n" not in m["Subject"] and "\r" not in m["Subject"] for m in london)
    assert any("Old Bazaar Bcc: spy@evil.example" in m["Subject"] for m in london), [m["Subject"] for m in london]
    assert all(m["Bcc"] is None for m in smtp.messages)


def test_the_words_say_the_threshold_the_text_was_shaped_with() -> None:
    """A message shaped with k = 9 (the audience's threshold, passed at the edge) says "fewer than 9" of its hidden
    counts, in its sentence, its evidence and its footer alike, whatever the settings' default (5): a hidden 7 read
    as "fewer than 5" would be a wrong statement next to a footer saying counts below 9 are hidden."""
    from scn.words.alerts import alert_message

    evidence = json.dumps({"code": "near_duplicates", "posts": None, "accounts": None, "first_seen": "2026-10-01T10:00Z",
                           "last_seen": "2026-10-01T11:00Z", "fingerprint": "ab12"})
    facts = [{"alert_type": "coordinated", "area_name": "Old Bazaar", "posts": None, "accounts": None,
              "evidence": evidence, "age_days": 0, "period": "2026-W40"}]
    with override(suppress_below=5):
        for lang, words in (("en", "fewer than 9"), ("fr", "moins de 9")):
            subject, body = alert_message(facts, "Saida", lang, "http://x", k=9)
            assert words in subject and body.count(words) >= 3, body  # the sentence, the posts and accounts
            assert "5" not in re.sub(r"\d{4}-\d\d-\d\d|\d\d:\d\d|W\d+", "", body), body
