"""Inbox sensor: files dropped into $SCN_HOME/inbox/<kind>/[<city_id>/] start their ingestion (and everything
downstream of it)."""


import hashlib
import json

from dagster import (
    AssetSelection,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from assets.ingest import FAMILY_TABLES, lake_key
from scn.config import paths


def inbox_state() -> dict[str, str]:
    """path -> "size:mtime_ns" for every file in the inbox (cheap: no hashing of contents)."""
    inbox = paths().inbox
    if not inbox.exists():
        return {}
    return {str(p.relative_to(inbox)): f"{p.stat().st_size}:{p.stat().st_mtime_ns}"
            for p in inbox.rglob("*") if p.is_file() and not p.name.startswith(".")}


@sensor(name="inbox_sensor", minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        asset_selection=AssetSelection.groups("ingest").downstream(),
        description="Ingests new or changed files in $SCN_HOME/inbox/<kind>/ and refreshes what depends on them.")
def inbox_sensor(context: SensorEvaluationContext):
    seen = json.loads(context.cursor) if context.cursor else {}
    now = inbox_state()
    changed = sorted(k for k, v in now.items() if seen.get(k) != v)
    if not changed:
        yield SkipReason("no new files in the inbox")
        return
    kinds = sorted({c.split("/", 1)[0] for c in changed if c.split("/", 1)[0] in FAMILY_TABLES})
    context.update_cursor(json.dumps(now))
    if not kinds:
        yield SkipReason(f"{len(changed)} changed file(s) outside the known kinds")
        return
    keys = [lake_key(t) for k in kinds for t in FAMILY_TABLES[k]]
    selection = AssetSelection.assets(*keys).downstream()
    run_key = hashlib.sha256("\n".join(f"{c}={now[c]}" for c in changed).encode()).hexdigest()[:16]
    yield RunRequest(run_key=run_key, asset_selection=selection,
                     tags={"scn/trigger": "inbox", "scn/kinds": ",".join(kinds)})
