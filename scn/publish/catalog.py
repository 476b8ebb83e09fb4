"""What can be exported: each export kind and the serving tables it carries (a leaf: the CLI, the exports and
the dashboards read the one list)."""

# export kind -> serving tables (the first is the one CSV and Parquet carry; XLSX has a sheet for each)
KINDS: dict[str, tuple[str, ...]] = {
    "network-kpis": ("network_kpis",),
    "programme-metrics": ("programme_metrics",),
    "summit-metrics": ("summit_metrics",),
    "survey-indices": ("survey_indices", "survey_prepost"),
    "cells": ("cell_month",),
    "correlations": ("correlations",),
    "target-groups": ("target_month",),
}
