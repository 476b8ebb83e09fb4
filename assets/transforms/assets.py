"""Every dbt model is a Dagster asset; dbt tests (data and unit tests) surface as asset checks."""

import json
from functools import cache

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DbtCliResource, dbt_assets

from assets.resources import LakeResource
from assets.transforms.project import TRANSLATOR, dbt_project, dbt_vars

# the DuckDB warehouse has one writer: every dbt step takes a slot of this pool (one slot in the production profile)
WAREHOUSE_POOL = "duckdb_warehouse"


@dbt_assets(manifest=dbt_project().manifest_path, project=dbt_project(), dagster_dbt_translator=TRANSLATOR,
            name="scn_dbt_models", pool=WAREHOUSE_POOL, op_tags={"scn/writes-warehouse": "true"})
def scn_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, lake: LakeResource):
    """`dbt build` (models, then their tests) over the selected models. Lake tables of families no file has
    brought yet are created empty first (a sensor run that ingested social files only must still build)."""
    created = lake.ensure_tables(())
    if created:
        context.log.info(f"lake tables created empty: {', '.join(created)}")
    yield from dbt.cli(["build", "--vars", dbt_vars()], context=context).stream()


@cache
def mart_keys() -> tuple[AssetKey, ...]:
    """Asset keys of every model under models/marts/, read from the manifest."""
    manifest = json.loads(dbt_project().manifest_path.read_text())
    names = sorted(n["name"] for n in manifest["nodes"].values()
                   if n["resource_type"] == "model" and n.get("fqn", [None, None])[1] == "marts")
    return tuple(AssetKey(["warehouse", n]) for n in names)
