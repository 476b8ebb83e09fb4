"""Text files a careless partner sends (found by one): a NUL byte past the first 8 KB was stored in a post's text
(only the start of a file was sampled), and two columns whose names differ only in case (``id``/``ID``,
``text``/``Text``) were read as one, the first silently winning."""

from __future__ import annotations

from pathlib import Path

import pytest

from scn import lake
from scn.ingest.pipeline import ingest_file
from scn.ingest.result import IngestError

WHEN = "2025-03-01T10:00:00Z"


def test_a_nul_byte_anywhere_refuses_the_file(home: Path, tmp_path: Path) -> None:
    rows = "".join(f"{i},{WHEN},{'padding text ' * 20}\n" for i in range(100))  # ~28 KB before the NUL
    path = tmp_path / "posts.csv"
    path.write_bytes(f"id,created_at,text\n{rows}".encode() + b"101," + WHEN.encode() + b",bad\x00cell\n")
    with pytest.raises(IngestError, match=r"^posts\.csv: a NUL byte at byte [\d,]+: not a text file"):
        ingest_file("social", path, city_id="london")
    assert not lake.has_table("posts")


def test_columns_read_as_one_name_are_refused_naming_both(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "twins.csv"
    path.write_text(f"id,ID,created_at,text,Text,author\nc1,c1x,{WHEN},first text,SECOND TEXT,carol1\n")
    with pytest.raises(IngestError, match=r"^twins\.csv: columns 'id' and 'ID' are both read as 'post_id'"):
        ingest_file("social", path, city_id="london")
    fine = tmp_path / "fine.csv"  # twins the reader does not read are left alone (they never reach the lake)
    fine.write_text(f"id,created_at,text,notes,Notes\nc1,{WHEN},first text,a,b\n")
    assert ingest_file("social", fine, city_id="london").accepted == 1


def test_boundaries_with_latitude_and_longitude_swapped_are_refused(home: Path, tmp_path: Path) -> None:
    """A layer written latitude first became London's box, and then every correctly placed post was quarantined as
    "coordinates look swapped"; it is refused, saying so, and the correct layer is accepted."""
    import json

    def layer(swap: bool) -> Path:
        feats = []
        for i in range(3):
            x, y = -0.2 + 0.01 * i, 51.5
            ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
            ring = [[b, a] for a, b in ring] if swap else ring
            feats.append({"type": "Feature", "properties": {"area_code": f"A{i}"},
                          "geometry": {"type": "Polygon", "coordinates": [ring]}})
        path = tmp_path / f"areas-{swap}.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
        return path

    with pytest.raises(IngestError, match=r"latitude and longitude look swapped"):
        ingest_file("boundaries", layer(True), city_id="london")
    assert not lake.has_table("areas")
    assert ingest_file("boundaries", layer(False), city_id="london").accepted == 3
    posts = tmp_path / "p.csv"
    posts.write_text(f"id,created_at,text,lat,lon\n1,{WHEN},near the bridge,51.505,-0.185\n")
    assert ingest_file("social", posts, city_id="london").accepted == 1


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be", "utf-16"])
def test_utf32_and_utf16_with_a_bom_are_read(home: Path, tmp_path: Path, encoding: str) -> None:
    """UTF-32 with a BOM was read as UTF-16 (its little-endian BOM starts with UTF-16's), and the file failed with
    a misleading "missing required column"."""
    import codecs

    path = tmp_path / f"posts-{encoding}.csv"
    text = f"id,created_at,text\n1,{WHEN},ville résiliente — مدينة\n"
    bom = codecs.BOM_UTF32_BE if encoding == "utf-32-be" else b""
    path.write_bytes(bom + text.encode(encoding))
    r = ingest_file("social", path, city_id="london")
    assert (r.accepted, r.quarantined) == (1, 0)
    assert lake.read_table("posts")["text"].iloc[0] == "ville résiliente — مدينة"


def test_a_clash_is_seen_where_the_first_row_misses_a_value(home: Path, tmp_path: Path) -> None:
    """A post id twice, first without coordinates and then with them: the comparison skipped the first row's
    missing values, saw no clash, and the second row was dropped as a duplicate."""
    path = tmp_path / "posts.csv"
    path.write_text(f"id,created_at,text,lat,lon\n1,{WHEN},same,,\n1,{WHEN},same,51.505,-0.185\n")
    r = ingest_file("social", path, city_id="london")
    assert (r.accepted, r.quarantined, r.duplicates) == (1, 1, 0)
    assert r.errors[0]["row"] == 2 and "with another lat" in r.errors[0]["reason"]
