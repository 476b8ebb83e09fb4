"""The analysis domain: panel statistics, early warning, risk and classifier tables per city."""

from dagster import Definitions

from assets.analysis.assets import analysis_assets
from assets.resources import shared_resources


def defs() -> Definitions:
    return Definitions(assets=analysis_assets, resources=shared_resources())
