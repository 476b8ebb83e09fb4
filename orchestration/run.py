"""`scn run`: materialize the asset graph in process on the $SCN_HOME instance, then publish."""


from dagster import AssetSelection

from assets.ingest.partitions import partitioned_keys, range_tags, register_inbox_cities, touches_partitions
from assets.keys import SNAPSHOT_KEY
from orchestration.definitions import defs
from orchestration.instance import scn_instance
from scn.ops.notify import notify


def run_pipeline(selection: str | None = None, raise_on_error: bool = False, publish: bool = True) -> bool:
    """Materialize every asset (or a Dagster selection string) with its checks, then the serving snapshot.

    Runs in this process on the $SCN_HOME/dagster instance, so the runs appear in the Dagster UI.
    ``publish=False`` skips the republication after a partial selection. Returns True when every step
    succeeded.
    """
    instance = scn_instance()
    job = defs.resolve_implicit_global_asset_job_def()
    graph = defs.resolve_asset_graph()
    keys = set(AssetSelection.from_string(selection).resolve(graph)) if selection else None
    tags = {"scn/trigger": "cli"}
    cities = register_inbox_cities(instance)
    if touches_partitions(keys):
        if cities:
            tags.update(range_tags(cities))  # every city partition, in one run
        else:  # no city has any file yet: nothing to ingest per city
            keys = (keys if keys is not None else set(graph.get_all_asset_keys())) - set(partitioned_keys())
    result = job.execute_in_process(instance=instance, asset_selection=sorted(keys) if keys else None,
                                    raise_on_error=raise_on_error, tags=tags)
    if publish and result.success and keys is not None and SNAPSHOT_KEY not in keys:
        result = job.execute_in_process(instance=instance, asset_selection=[SNAPSHOT_KEY],
                                        raise_on_error=raise_on_error, tags={"scn/trigger": "cli-publish"})
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        notify("SCN pipeline run failed (scn run)", f"failed steps: {', '.join(failed) or 'unknown'}",
               run_id=result.run_id, selection=selection, failed_steps=failed)
    return result.success
