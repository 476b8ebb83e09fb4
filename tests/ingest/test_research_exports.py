"""Files written by research tools (4CAT, Zeeschuimer, CrowdTangle, Meta Content Library) ingest as posts:
recognised by their columns, pseudonymised like any social file, bad rows quarantined with file/row/field."""

from __future__ import annotations

import json
from pathlib import Path

from scn import lake
from scn.ingest.pipeline import ingest_file
from scn.ingest.social.research_exports import detect

HANDLES = ("tok_handle_1", "xhandle_22", "insta_handle_3", "fourcat_poster", "CityNewsPage", "ownerhandle9")


def _zeeschuimer_line(n: int, platform: str, data: object) -> str:
    return json.dumps({"nav_index": f"1:1:{n}", "item_id": str(n), "timestamp_collected": 1740830000000,
                       "source_platform": platform, "source_platform_url": f"https://{platform}/",
                       "source_url": f"https://{platform}/api/x", "user_agent": "Mozilla/5.0", "data": data})


TIKTOK = {"id": "7341000000000000001", "desc": "Community iftar tonight @tok_friend #together",
          "createTime": 1740830400, "author": {"id": "6800", "uniqueId": "tok_handle_1", "nickname": "Tok Person"},
          "authorStats": {"followerCount": 10}, "stats": {"diggCount": 3}, "textLanguage": "en"}
X_TWEET = {"rest_id": "1896000000000000002", "core": {"user_results": {"result": {"legacy": {
    "screen_name": "xhandle_22", "name": "X Person"}}}},
    "legacy": {"created_at": "Sun Mar 02 10:00:00 +0000 2025", "full_text": "Meeting at the town hall, see x.com/xhandle_22",
               "lang": "en", "conversation_id_str": "1896000000000000002", "user_id_str": "99"}}
INSTA = {"id": "3500000000000000003_77", "pk": "3500000000000000003", "code": "DAbCdEf",
         "taken_at": 1740916800, "caption": {"text": "Clean-up day in the park"},
         "user": {"username": "insta_handle_3", "pk": "77"}, "location": {"name": "Hyde Park", "lat": 51.507,
                                                                        "lng": -0.165}}


def test_zeeschuimer_ndjson_tiktok_x_instagram(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "zeeschuimer-export.ndjson"
    lines = [_zeeschuimer_line(1, "tiktok.com", TIKTOK), _zeeschuimer_line(2, "x.com", X_TWEET),
             _zeeschuimer_line(3, "instagram.com", INSTA),
             _zeeschuimer_line(4, "linkedin.com", {"id": "urn:li:1"}),
             _zeeschuimer_line(5, "tiktok.com", {**TIKTOK, "id": None}),
             _zeeschuimer_line(6, "tiktok.com", "not an object")]
    path.write_text("\n".join(lines) + "\n")
    r = ingest_file("social", path, city_id="london")
    assert (r.rows_read, r.accepted, r.quarantined) == (6, 3, 3)
    posts = lake.read_table("posts").set_index("platform")
    assert sorted(posts.index) == ["instagram", "tiktok", "x"]
    assert posts.loc["tiktok", "post_key"] == "tiktok:7341000000000000001"
    assert str(posts.loc["tiktok", "created_at"]).startswith("2025-03-01 12:00:00")
    assert posts.loc["tiktok", "text"] == "Community iftar tonight @user #together"
    assert str(posts.loc["x", "created_at"]).startswith("2025-03-02 10:00:00")
    assert posts.loc["x", "url"] == "https://x.com/i/web/status/1896000000000000002"
    assert "xhandle_22" not in posts.loc["x", "text"]
    assert posts.loc["instagram", "url"] == "https://www.instagram.com/p/DAbCdEf/"
    assert (posts.loc["instagram", "lat"], posts.loc["instagram", "place"]) == (51.507, "Hyde Park")
    assert posts["author_pseudo"].notna().all() and posts["author_pseudo"].nunique() == 3
    q = lake.read_table("quarantine").sort_values("row")
    assert q[["row", "field"]].values.tolist() == [[4, "source_platform"], [5, "post_id"], [6, "data"]]
    assert "linkedin.com" in q["reason"].iloc[0]
    _no_handles()


def test_fourcat_csv_and_ndjson(home: Path, tmp_path: Path) -> None:
    csv = tmp_path / "tiktok-search-abc123.csv"
    csv.write_text(
        "id,thread_id,author,author_full,author_id,author_followers,body,timestamp,is_duet,music_name,tiktok_url\n"
        "7341,7341,fourcat_poster,Four Cat,11,5,Neighbourhood watch meeting,2025-03-01 09:00:00,False,song,"
        "https://tiktok.com/@fourcat_poster/video/7341\n"
        "7342,7342,fourcat_poster,Four Cat,11,5,Second post,not a date,False,song,\n")
    r = ingest_file("social", csv, city_id="london")
    assert (r.rows_read, r.accepted, r.quarantined) == (2, 1, 1)
    assert r.errors[0] == {"row": 2, "field": "timestamp", "reason": "not a valid date/time"}
    nd = tmp_path / "dataset.ndjson"
    nd.write_text(json.dumps({"id": "9", "thread_id": "9", "body": "A board post", "author": "fourcat_poster",
                              "timestamp": "2025-03-02 08:00:00", "unix_timestamp": 1740902400,
                              "board": "pol", "subject": ""}) + "\n")
    r2 = ingest_file("social", nd, city_id="london")
    assert (r2.accepted, r2.quarantined) == (1, 0)
    posts = lake.read_table("posts").sort_values("post_id")
    assert posts["platform"].tolist() == ["tiktok", "4chan"]
    assert posts["post_key"].tolist() == ["tiktok:7341", "4chan@london:9"]
    assert posts["url"].isna().all()  # a tiktok link names its author: dropped
    _no_handles()


def test_crowdtangle_and_meta_content_library_csv(home: Path, tmp_path: Path) -> None:
    ct = tmp_path / "2025-03-crowdtangle.csv"
    ct.write_text(
        "Page Name,User Name,Facebook Id,Page Category,Likes at Posting,Post Created,Post Created Date,"
        "Post Created Time,Type,Total Interactions,URL,Message,Link\n"
        "City News,CityNewsPage,1000111,MEDIA,500,2025-03-01 07:00:00 EST,2025-03-01,07:00:00,Status,12,"
        "https://www.facebook.com/CityNewsPage/posts/4455667788,Road closed on Main St,\n"
        "City News,CityNewsPage,1000111,MEDIA,500,2025-03-01 08:00:00 EST,2025-03-01,08:00:00,Status,3,"
        "https://www.facebook.com/CityNewsPage/posts/4455667799,,\n")
    r = ingest_file("social", ct, city_id="london")
    assert (r.rows_read, r.accepted, r.quarantined) == (2, 1, 1)
    assert r.errors[0]["field"] == "Message" and r.errors[0]["reason"] == "missing"
    mcl = tmp_path / "mcl-export.csv"
    mcl.write_text("id,creation_time,text,post_owner.id,post_owner.name,post_owner.username,statistics.views\n"
                   "88001,2025-03-02T10:00:00Z,Open day at the library,5001,Owner Name,ownerhandle9,100\n")
    r2 = ingest_file("social", mcl, city_id="london")
    assert (r2.accepted, r2.quarantined) == (1, 0)
    posts = lake.read_table("posts").sort_values("post_id")
    assert posts["post_key"].tolist() == ["facebook:4455667788", "facebook:88001"]
    assert str(posts["created_at"].iloc[0]).startswith("2025-03-01 12:00:00")  # EST -> UTC
    assert posts["url"].isna().all()
    _no_handles()


def test_detect_leaves_other_tables_alone() -> None:
    assert detect(["id", "created_at", "text", "author"]) is None
    assert detect(["Crime ID", "Month"]) is None
    assert detect(["id", "thread_id", "body", "timestamp"]) == "4cat"


def _no_handles() -> None:
    for table in ("posts", "quarantine"):
        if lake.has_table(table):
            dump = lake.read_table(table).astype(str).to_csv()
            assert not any(h.lower() in dump.lower() for h in HANDLES), table
