"""The publish domain: the serving snapshot (marts, analysis tables, data health) swapped in atomically."""

from dagster import Definitions

from assets.publish.assets import serving_snapshot
from assets.resources import shared_resources


def defs() -> Definitions:
    return Definitions(assets=[serving_snapshot], resources=shared_resources())
