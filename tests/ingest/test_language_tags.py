"""A partner's language column as labelling uses it: Arabizi (Arabic in Latin letters) is kept apart from
Arabic-script Arabic, whether the file says ``ar-Latn`` or says ``ar`` of a text in Latin letters."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scn import lake
from scn.ingest.pipeline import ingest_file


def test_a_files_language_column_keeps_arabizi_apart(home: Path, tmp_path: Path) -> None:
    """A partner's file that says ``ar-Latn`` keeps it (it was cut to ``ar``: the Arabic model ran on Arabizi); one
    that says ``ar`` of a text in Latin letters alone is Arabizi too; ``ar`` of Arabic-script text stays ``ar`` and
    ``en-GB`` is ``en``."""
    rows = pd.DataFrame({"id": ["a1", "a2", "a3", "a4", "a5"], "created_at": "2025-03-01T10:00:00Z",
                         "text": ["wallah ana mesh fahem 7aga", "yalla ya 7abibi ta3ala bokra", "السلام عليكم يا جماعة",
                                  "salam, السلام عليكم", "the buses are late again today"],
                         "lang": ["ar-Latn", "ar", "ar", "AR", "en-GB"]})
    path = tmp_path / "posts.csv"
    rows.to_csv(path, index=False)
    assert ingest_file("social", path, city_id="london").accepted == 5
    stored = lake.read_table("posts").set_index("post_id")["lang"].to_dict()
    assert stored == {"a1": "ar-Latn", "a2": "ar-Latn", "a3": "ar", "a4": "ar", "a5": "en"}
