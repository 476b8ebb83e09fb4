"""What a second probe of the staff tools found (2026-12-06): forged audit lines, the last staff user lost through
the CLI or a pending account, an old one-time link outliving a password change, blank passwords, a text
fingerprint anyone holding a post could recompute, a city's name on a network-wide export, small people counts
inside KPI sentences, one mailbox subscribed twice. Each test fails on the code before its fix."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from tests.support.cli import scn, scn_home


def test_audit_values_cannot_forge_lines_and_rows_cannot_be_rewritten(tmp_path: Path) -> None:
    from scn.hub import audit

    home = tmp_path / "home"
    forged = "london\n2026-12-06T00:00:00+00:00  mallory  user.remove  sam"
    with scn_home(home):
        audit.record("mallory\u2028", "ingest.upload", "posts.csv", city_id=forged)
        with sqlite3.connect(audit.db_path()) as con:
            for sql in ("update audit set actor = 'x'", "delete from audit"):
                with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                    con.execute(sql)
    out = scn("audit", home=home).stdout
    assert len(out.strip().splitlines()) == 1, out
    assert "\\n2026-12-06" in out and "\\u2028" in out
    rows = json.loads(scn("audit", "--json", home=home).stdout)
    assert len(rows) == 1 and "\n" not in rows[0]["city_id"]


def test_cli_keeps_a_staff_user_and_logs_every_user_change(tmp_path: Path) -> None:
    home = tmp_path / "home"
    scn("user", "add", "boss", "--role", "staff", home=home, input="a long pass 1\n")
    demote = scn("user", "add", "boss", "--role", "official", "--city", "london", "--update", home=home,
                 check=False, input="a long pass 1\n")
    assert demote.returncode == 2 and "last staff" in demote.stderr
    removed = scn("user", "remove", "boss", home=home, check=False)
    assert removed.returncode == 2 and "last staff" in removed.stderr
    scn("user", "add", "ana", "--role", "staff", home=home, input="another pass 2\n")
    scn("user", "passwd", "ana", home=home, input="third pass 33\n")
    scn("user", "remove", "boss", home=home)
    rows = json.loads(scn("audit", "--json", home=home).stdout)
    assert [r["action"] for r in rows] == ["user.remove", "user.passwd", "user.add", "user.add"]
    assert all(r["actor"].startswith("cli") for r in rows)


def test_a_staff_user_without_a_password_does_not_count_as_staff(tmp_path: Path) -> None:
    from scn.access import users

    with scn_home(tmp_path / "home"):
        users.add_user("sam", "staff", None, "a long pass 1")
        users.add_user("newbie", "staff", None, None)  # pending: can sign in only through a link sam saw
        with pytest.raises(users.UserError) as demoted:
            users.change_user("sam", "official", "london")
        assert demoted.value.code == "last_staff"
        with pytest.raises(users.UserError):
            users.remove_user("sam")
        users.set_password("newbie", "newbie pass 22")
        users.change_user("sam", "official", "london")  # now someone else can sign in


def test_a_new_password_cancels_an_earlier_one_time_link(tmp_path: Path) -> None:
    from scn.access import users

    with scn_home(tmp_path / "home"):
        users.add_user("jean", "official", "london", "a long pass 1")
        token = users.issue_reset("jean")
        users.set_password("jean", "a new long pass 2")
        assert users.reset_user(token) is None
        with pytest.raises(users.UserError):
            users.use_reset(token, "attacker pass 3")
        assert users.verify("jean", "a new long pass 2") is not None


@pytest.mark.parametrize("password", [" " * 8, "\u00a0" * 8, "abcd\u200befgh", "aaaaaaaa", "12121212",
                                      "x" * 1025 + "yz!", "\u3000" * 9])
def test_passwords_nobody_should_have_are_refused(password: str) -> None:
    from scn.access.users import UserError, check_password

    with pytest.raises(UserError):
        check_password(password)


def test_the_alert_fingerprint_cannot_be_recomputed_from_a_post() -> None:
    from scn.analysis.coordination import coordinated_posting, minhash_signatures

    start = pd.Timestamp("2026-03-01 10:00", tz="UTC")
    text = "they are invading our streets and we must drive them out of this city now"
    posts = pd.DataFrame({"created_at": start + pd.to_timedelta(range(12), unit="min"), "text": text,
                          "author_pseudo": [f"acct{i}" for i in range(12)], "city_id": "london", "label": "hate",
                          "post_key": [f"x:{i}" for i in range(12)]})
    one = json.loads(coordinated_posting(posts, key=b"k" * 32)["evidence"].iloc[0])["fingerprint"]
    again = json.loads(coordinated_posting(posts, key=b"k" * 32)["evidence"].iloc[0])["fingerprint"]
    other = json.loads(coordinated_posting(posts, key=b"j" * 32)["evidence"].iloc[0])["fingerprint"]
    assert one == again and one != other  # stable under the platform's key, unlinkable without it
    sig0 = int(minhash_signatures(pd.Series([text]))[0][0, 0])
    assert one != hashlib.sha1(sig0.to_bytes(8, "little")).hexdigest()[:10]  # what anyone could compute before


def test_a_city_is_refused_for_a_network_wide_export_and_officials_files_say_so(tmp_path: Path) -> None:
    from scn.publish import exports, serving

    with scn_home(tmp_path / "home"):
        serving.publish({"network_kpis": pd.DataFrame({"kpi": ["summits"], "value": [3.0], "unit": ["summits"],
                                                       "statement": ["3 Global Summits"]}),
                         "cities": pd.DataFrame({"city_id": ["london"], "name": ["London"]})}, run_id="r1")
        with pytest.raises(exports.ExportError, match="network-wide"):
            exports.export_bytes("network-kpis", "csv", city_id="london")
        assert exports.export_bytes("network-kpis", "csv")  # without a city: the network, as named
        assert "-official-" in exports.export_filename("cells", "csv", "london", "official")
        assert "-official-" not in exports.export_filename("cells", "csv", "london")
    out = scn("export", "network-kpis", "--format", "csv", "--city", "london", "--out", str(tmp_path),
              home=tmp_path / "home",
              check=False)
    assert out.returncode == 2 and "network-wide" in out.stderr


def test_small_numbers_inside_kpi_sentences_are_hidden_from_officials() -> None:
    from scn.privacy.disclosure import for_audience

    kpis = pd.DataFrame({"kpi": ["city_exchanges", "young_cities", "grants_amount"], "value": [1.0, 12.0, 1250000.0],
                         "unit": ["exchanges", "cities", "EUR"],
                         "statement": ["1 city exchanges with 3 participants from 2 cities",
                                       "Young Cities in 12 cities across 7 countries, reaching 2 young people",
                                       "1,250,000 EUR awarded in grants"]})
    out = for_audience("network_kpis", kpis, "official", k=5, min_group=10)["statement"].tolist()
    assert "3 participants" not in out[0] and "2 young people" not in out[1]
    assert "12 cities across 7 countries" in out[1] and out[2] == "1,250,000 EUR awarded in grants"
    assert for_audience("network_kpis", kpis, "staff",
                        k=5, min_group=10)["statement"].tolist() == kpis["statement"].tolist()


def test_one_mailbox_is_one_subscriber(tmp_path: Path) -> None:
    from scn.alerts import store

    with scn_home(tmp_path / "home"):
        store.subscribe("london", "Ana.Ops@City.gov.uk")
        store.subscribe("london", "ana.ops@city.gov.uk", mode="digest")
        subs = store.subscriptions("london")
        assert len(subs) == 1 and subs["mode"].iloc[0] == "digest"
        assert store.unsubscribe("london", "ANA.OPS@city.gov.uk") and store.subscriptions("london").empty
