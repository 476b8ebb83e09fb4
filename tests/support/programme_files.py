"""Programme files as partners send them, for tests: the activities' and participants' headers, and a world of
such files (name -> text) ingested into a home through the real parser."""

from __future__ import annotations

from pathlib import Path

ACT = "activity_id,programme_line,activity_type,title,host_city,country,city_id,start_date,end_date\n"
PEOPLE = "record_id,activity_id,participant_id,role,home_city,home_country,gender\n"


def ingest_world(home: Path, world: dict[str, str]) -> None:
    """Write each file of ``world`` under ``home/in`` and ingest it (a name starting ``cities``: as the registry,
    else as programme records), in order. Call inside ``scn_home(home)``."""
    from scn.ingest.pipeline import ingest_file

    (home / "in").mkdir(exist_ok=True)
    for name, text in world.items():
        (home / "in" / name).write_text(text, encoding="utf-8")
        ingest_file("cities" if name.startswith("cities") else "programme", home / "in" / name)
