"""The transforms domain: the dbt project (staging, intermediate, marts) and its tests as checks."""

from dagster import Definitions

from assets.resources import shared_resources
from assets.transforms.assets import scn_dbt_models
from assets.transforms.project import dbt_resource


def defs() -> Definitions:
    return Definitions(assets=[scn_dbt_models], resources={**shared_resources(), "dbt": dbt_resource()})
