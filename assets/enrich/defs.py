"""The enrich domain: speech labels and locations of new rows."""

from dagster import Definitions

from assets.enrich.assets import enrich_assets
from assets.resources import shared_resources


def defs() -> Definitions:
    return Definitions(assets=enrich_assets, resources=shared_resources())
