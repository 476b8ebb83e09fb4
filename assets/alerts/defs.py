"""The alerts domain: notifications to the cities' subscribers after each publish."""

from dagster import Definitions

from assets.alerts.assets import alert_notifications
from assets.resources import shared_resources


def defs() -> Definitions:
    return Definitions(assets=[alert_notifications], resources=shared_resources())
