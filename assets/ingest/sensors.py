"""Inbox sensor: files dropped into $SCN_HOME/inbox/<kind>/[<city_id>/] start their ingestion (and everything
downstream of it)."""


import hashlib
import json
from pathlib import Path

from dagster import (
    AssetSelection,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from assets.ingest.partitions import CITY_PARTITIONS, PARTITIONED_KINDS, partitioned_keys, range_tags
from assets.keys import lake_key
from assets.maintenance.dead_runs import fail_dead_runs
from assets.transforms.project import SEEDS_GROUP
from scn.hashing import tree_stamp
from scn.ingest.families import FAMILY_TABLES
from scn.ingest.inbox import inbox_city_ids
from scn.settings import paths


def inbox_state() -> dict[str, str]:
    """path -> its ``file_stamp`` (size, mtime, ctime, inode) for every file in the inbox (cheap: no hashing of
    contents; a file rewritten within one mtime tick or replaced by another still shows as changed)."""
    inbox = paths().inbox
    if not inbox.exists():
        return {}
    return {name: list(stamp) for name, *stamp in tree_stamp(inbox) if not Path(name).name.startswith(".")}


@sensor(name="inbox_sensor", minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        asset_selection=AssetSelection.groups("ingest").downstream() | AssetSelection.groups(SEEDS_GROUP),
        description="Ingests new or changed files in $SCN_HOME/inbox/<kind>/ and refreshes what depends on them.")
def inbox_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    for run_id in fail_dead_runs(context.instance):  # a killed run would hold the queue (max 1) for ever
        context.log.warning(f"run {run_id} was left STARTED by a process that is gone; marked failed")
    seen = json.loads(context.cursor) if context.cursor else {}
    now = inbox_state()
    changed = sorted(k for k, v in now.items() if seen.get(k) != v)
    if not changed:
        return SkipReason("no new files in the inbox")
    kinds = sorted({c.split("/", 1)[0] for c in changed if c.split("/", 1)[0] in FAMILY_TABLES})
    context.update_cursor(json.dumps(now))
    if not kinds:
        return SkipReason(f"{len(changed)} changed file(s) outside the known kinds")
    keys = [lake_key(t) for k in kinds for t in FAMILY_TABLES[k]]
    others = [k for k in partitioned_keys() if k not in keys]
    # the changed families' tables, what depends on them (not the other cities' or families' per-city ingests),
    # and the vocabularies the dbt models join (seeds: cheap, and a new warehouse may not have them yet)
    selection = sorted((AssetSelection.assets(*keys) | (AssetSelection.assets(*keys).downstream()
                                                         - AssetSelection.assets(*others))
                        | AssetSelection.groups(SEEDS_GROUP))
                       .resolve(context.repository_def.asset_graph))  # the code location evaluating the sensor
    run_key = hashlib.sha256("\n".join(f"{c}={now[c]}" for c in changed).encode()).hexdigest()[:16]
    tags = {"scn/trigger": "inbox", "scn/kinds": ",".join(kinds)}
    known = set(context.instance.get_dynamic_partitions(CITY_PARTITIONS.name))
    inbox_cities = inbox_city_ids(PARTITIONED_KINDS)
    new = [c for c in inbox_cities if c not in known]
    cities = sorted({parts[1] for parts in (c.split("/") for c in changed)
                     if len(parts) >= 3 and parts[0] in PARTITIONED_KINDS and parts[1] in inbox_cities})
    partition_key = None
    if any(k in PARTITIONED_KINDS for k in kinds):
        if len(cities) == 1:  # the usual case: one city's files arrived
            partition_key = cities[0]
            tags["scn/city"] = cities[0]
        else:  # several cities, or files outside city folders: every city partition in one run
            tags.update(range_tags([*context.instance.get_dynamic_partitions(CITY_PARTITIONS.name), *new]))
    return SensorResult(
        run_requests=[RunRequest(run_key=run_key, asset_selection=selection, partition_key=partition_key,
                                 tags=tags)],
        dynamic_partitions_requests=[CITY_PARTITIONS.build_add_request(new)] if new else [],
    )
