"""One factory for the assets that compute a table with a pure function and store it in the lake (analysis and
review domains): the function's module is imported when the step runs, so loading the code location stays light."""

from __future__ import annotations

from importlib import import_module

from dagster import AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset

from assets.keys import analysis_key
from assets.resources import LakeResource
from assets.retry import retry_policy, transient_only


def lake_table_asset(name: str, deps: list[AssetKey], description: str, *, module: str, group: str,
                     function: str | None = None, preview: bool = False) -> AssetsDefinition:
    """The asset ``analysis/<name>`` computing ``<module>.<function or name>()`` and storing it as the lake table
    ``name``; metadata: rows, cities and (``preview``) the first rows."""
    @asset(key=analysis_key(name), group_name=group, deps=deps, description=description,
           retry_policy=retry_policy())
    @transient_only
    def _asset(lake: LakeResource) -> MaterializeResult:
        compute = getattr(import_module(module), function or name)  # the statistics stack: at run time only
        with lake.scope():
            frame = compute()
        lake.replace_table(name, frame)
        meta: dict = {"rows": len(frame)}
        if "city_id" in frame and len(frame):
            meta["cities"] = int(frame["city_id"].nunique())
        if preview and len(frame):
            meta["preview"] = MetadataValue.md(frame.head(10).astype(str).to_markdown(index=False))
        return MaterializeResult(metadata=meta)

    return _asset
