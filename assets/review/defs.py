"""The review domain: measured accuracy, error rates and adjusted counts (lake tables the publish domain serves)."""

from dagster import Definitions

from assets.resources import shared_resources
from assets.review.assets import review_assets


def defs() -> Definitions:
    return Definitions(assets=review_assets, resources=shared_resources())
