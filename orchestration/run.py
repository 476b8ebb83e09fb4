"""`scn run`: materialize the asset graph in process on the $SCN_HOME instance, then publish."""


from dagster import AssetKey, AssetSelection, DagsterInstance

from orchestration.instance import prepare_dagster_home

SNAPSHOT_KEY = AssetKey(["serving", "snapshot"])


def run_pipeline(selection: str | None = None, raise_on_error: bool = False, publish: bool = True) -> bool:
    """Materialize every asset (or a Dagster selection string) with its checks, then the serving snapshot.

    Runs in this process on the $SCN_HOME/dagster instance, so the runs appear in the Dagster UI.
    ``publish=False`` skips the republication after a partial selection. Returns True when every step
    succeeded.
    """
    prepare_dagster_home()
    from orchestration.definitions import defs

    instance = DagsterInstance.get()
    job = defs.resolve_implicit_global_asset_job_def()
    keys = None
    if selection:
        keys = set(AssetSelection.from_string(selection).resolve(defs.resolve_asset_graph()))
    result = job.execute_in_process(instance=instance, asset_selection=sorted(keys) if keys else None,
                                    raise_on_error=raise_on_error, tags={"scn/trigger": "cli"})
    if publish and result.success and keys is not None and SNAPSHOT_KEY not in keys:
        result = job.execute_in_process(instance=instance, asset_selection=[SNAPSHOT_KEY],
                                        raise_on_error=raise_on_error, tags={"scn/trigger": "cli-publish"})
    if not result.success:
        from scn.notify import notify

        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        notify("SCN pipeline run failed (scn run)", f"failed steps: {', '.join(failed) or 'unknown'}",
               run_id=result.run_id, selection=selection, failed_steps=failed)
    return result.success
