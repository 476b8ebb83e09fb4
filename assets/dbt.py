"""Every dbt model is a Dagster asset; dbt tests surface as asset checks."""


import json
from functools import cache

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt_project import TRANSLATOR, dbt_project


@dbt_assets(manifest=dbt_project().manifest_path, project=dbt_project(), dagster_dbt_translator=TRANSLATOR,
            name="scn_dbt_models")
def scn_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build` (models, then their tests) over the selected models."""
    yield from dbt.cli(["build"], context=context).stream()


@cache
def mart_keys() -> tuple[AssetKey, ...]:
    """Asset keys of every `mart_*` model, read from the manifest."""
    manifest = json.loads(dbt_project().manifest_path.read_text())
    names = sorted(n["name"] for n in manifest["nodes"].values()
                   if n["resource_type"] == "model" and n["name"].startswith("mart_"))
    return tuple(AssetKey(["warehouse", n]) for n in names)
