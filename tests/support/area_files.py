"""A small city of boundary areas for the published-data families (area-attributes, crime-counts): six square
LSOA-like areas of london, ingested from a GeoJSON made here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scn.ingest.pipeline import ingest_file
from scn.ingest.result import IngestError, IngestResult

CODES = [f"E01{33000 + i:06d}" for i in range(6)]  # 2021-style LSOA codes of the test city
NAMES = ["Camden 001A", "Camden 001B", "Saint-Étienne Ward", "Hackney 002A", "Hackney 002B", "Islington 003A"]


def boundaries(tmp_path: Path, city_id: str = "london") -> None:
    """Ingest the six areas (codes ``CODES``, names ``NAMES``) as the city's boundaries."""
    feats = []
    for i, (code, name) in enumerate(zip(CODES, NAMES, strict=True)):
        x, y = -0.2 + 0.01 * i, 51.5
        ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
        feats.append({"type": "Feature", "properties": {"area_code": code, "area_name": name},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path = tmp_path / "lsoa21.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    assert ingest_file("boundaries", path, city_id=city_id).accepted == len(CODES)


def balanced(r: IngestResult) -> IngestResult:
    """``r``, after checking rows_read == accepted + quarantined + duplicates."""
    assert r.rows_read == r.accepted + r.quarantined + r.duplicates, r
    return r


def ingest_text(family: str, tmp_path: Path, name: str, text: str, **kw: object) -> IngestResult:
    """The six areas ingested as london's boundaries, then ``text`` written to ``tmp_path / name`` and ingested as
    ``family`` (``area-attributes``, ``crime-counts``) for london with ``kw`` (``options=...``); rows balanced."""
    boundaries(tmp_path)
    path = tmp_path / name
    path.write_text(text)
    return balanced(ingest_file(family, path, city_id="london", **kw))


def no_boundaries_yet(family: str, tmp_path: Path, name: str, text: str) -> Path:
    """``text`` written to ``tmp_path / name``: ingesting it as ``family`` before london has boundaries is refused
    ("no boundaries yet"); then the six areas are ingested. The file's path."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(IngestError, match="no boundaries yet"):
        ingest_file(family, path, city_id="london")
    boundaries(tmp_path)
    return path
