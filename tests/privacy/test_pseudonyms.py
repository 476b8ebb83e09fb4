"""After ingesting posts and participants with known handles, no raw handle is stored anywhere outside the archive."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from scn.ingest.pipeline import ingest_file
from tests.support.corpus import HEADER, jsonl, post_obj, telegram, tweet, x_response

HANDLES = ["Zorblax_Hater77", "quuxwell_99", "TG_user_884411", "ExHandleXYZ", "Jane.Participant@example.org",
           "FromDisplayName Qwv"]


def stored_strings(path: Path) -> str:
    """Every byte of a file, plus the decoded strings of Parquet and DuckDB files (compression hides bytes)."""
    text = path.read_bytes().decode("latin-1")
    if path.suffix == ".parquet":
        text += json.dumps(pq.read_table(path).to_pylist(), default=str, ensure_ascii=False)
    if path.suffix == ".duckdb":
        with duckdb.connect(str(path), read_only=True) as con:
            for (name,) in con.execute("select table_name from information_schema.tables").fetchall():
                text += json.dumps(con.execute(f'select * from "{name}"').fetchall(), default=str)
    return text


def test_no_raw_handle_outside_archive(home: Path, tmp_path: Path) -> None:
    h = HANDLES
    csv = tmp_path / "posts.csv"
    csv.write_text("\n".join([HEADER,
                              f"1,2025-03-01T10:00:00Z,hi @{h[1]} see,en,51.5,-0.12,,{h[0]},x,"
                              f"https://twitter.com/{h[0]}/status/1",
                              f"2,2025-03-01T10:00:00Z,text,en,51.5,-0.12,,{h[1]},forum,https://f.org/u/{h[1]}/p/2",
                              f"3,2025-02-30T10:00:00Z,bad date,en,51.5,-0.12,,{h[0]},x,"
                              f"https://x.com/{h[0]}/status/3",
                              f"4,2025-03-01T10:00:00Z,ragged,en,51.5,-0.12,,{h[0]},x,,extra", ""]))
    lines = tmp_path / "posts.jsonl"
    lines.write_bytes(jsonl(post_obj(5, author=h[3]), post_obj(6, author=h[3], lat=120)))
    x = tmp_path / "x.json"
    x.write_bytes(x_response([tweet(1, author_id=h[3], text=f"RT @{h[1]}: hello")]))
    tg = tmp_path / "result.json"
    tg.write_bytes(telegram([{"id": 1, "type": "message", "date": "2025-03-01T12:00:00", "from": h[5],
                              "from_id": h[2], "text": [{"type": "mention", "text": f"@{h[1]}"}, " hi"]},
                             {"id": 2, "type": "message", "date": "bad", "from": h[5], "from_id": h[2],
                              "text": "x"}]))
    people = tmp_path / "participants.csv"
    people.write_text("record_id,activity_id,participant_id,role,home_city,home_country,gender\n"
                      f"R1,A1,{h[4]},mayor,Saida,Lebanon,male\nR2,A1,{h[4]},pharaoh,Saida,Lebanon,male\n")
    results = [ingest_file("social", p, city_id="london") for p in (csv, lines, x, tg)]
    results.append(ingest_file("programme", people))
    assert sum(r.accepted for r in results) >= 6 and sum(r.quarantined for r in results) >= 4
    printed = json.dumps([r.to_json() for r in results])
    archive = home / "archive"
    files = [p for p in home.rglob("*") if p.is_file() and archive not in p.parents]
    assert any(p.suffix == ".parquet" for p in files)
    for path in files:
        stored = stored_strings(path).lower()
        for handle in HANDLES:
            assert handle.lower() not in stored, (handle, path)
    for handle in HANDLES:
        assert handle.lower() not in printed.lower()
    assert any(h[0] in p.read_text() for p in archive.rglob("posts.csv"))  # the archive keeps the original
