"""Source name -> connector class. Imports are lazy (a connector may pull a client library): ``connector(name)``
imports the one asked for. A new connector adds one entry here."""

from __future__ import annotations

from importlib import import_module

from scn.ingest.sources.base import SOURCES, ConfigError, Connector

# name -> "module:Class"
REGISTRY: dict[str, str] = {
    "mastodon": "scn.ingest.sources.mastodon:Mastodon",
    "bluesky": "scn.ingest.sources.bluesky:Bluesky",
    "bluesky-jetstream": "scn.ingest.sources.bluesky_jetstream:BlueskyJetstream",
    "rss": "scn.ingest.sources.rss:Rss",
    "x": "scn.ingest.sources.x:XRecentSearch",
    "reddit": "scn.ingest.sources.reddit:Reddit",
    "fourchan": "scn.ingest.sources.fourchan:Fourchan",
    "telegram": "scn.ingest.sources.telegram:Telegram",
    "kobo": "scn.ingest.sources.kobo:Kobo",
    "odk": "scn.ingest.sources.odk:Odk",
    "police-uk": "scn.ingest.sources.police_uk:PoliceUk",
}


def connector(name: str) -> Connector:
    """A new connector for ``name``; ``ConfigError`` naming the source when there is none."""
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        why = "not available yet" if name in SOURCES else "unknown source"
        raise ConfigError(name, f"{why} (sources: {known})")
    module, cls = REGISTRY[name].split(":")
    return getattr(import_module(module), cls)()
