"""The app's state: the folder's catalog (shared by the server) and each browser session's choices.

Solara's module-level reactive variables are kept per browser session (per kernel), so two analysts on one
server choose independently; the catalog is one per server and reloads when a form run finishes.
"""

from __future__ import annotations

import os

import solara

from .data import Catalog, get_catalog

DIR_ENV = "GOVSIM_DASHBOARD_DIR"

lang = solara.reactive("en")
filters: solara.Reactive[dict] = solara.reactive({})  # column -> chosen values (empty: all)
designs: solara.Reactive[list | None] = solara.reactive(None)  # None: the default choice
baseline: solara.Reactive[str | None] = solara.reactive(None)
table_design: solara.Reactive[str | None] = solara.reactive(None)
commune: solara.Reactive[str | None] = solara.reactive(None)
search = solara.reactive("")
all_metrics = solara.reactive(False)  # Compare: every metric of summary.json, not only the headline ones
catalog_version = solara.reactive(0)  # bumped when a run from the form joins the catalog


def catalog() -> Catalog:
    return get_catalog(os.environ.get(DIR_ENV, "."))


def chosen_designs(cat: Catalog) -> list[str]:
    """The designs picked on the Compare page that still exist (default: the first four). A design that a
    new run split into variants (its config differs, e.g. in run.days) is replaced by those variants."""
    available = cat.designs(filters.value)
    if designs.value is None:
        return available[:4]
    picked = []
    for d in designs.value:
        now = [d] if d in available else [a for a in available if a.partition(" [")[0] == d]
        picked += [a for a in now if a not in picked]
    return picked


def chosen_baseline(cat: Catalog, picked: list[str]) -> str | None:
    if baseline.value in picked:
        return baseline.value
    from sim.report.stats import choose_baseline

    return choose_baseline(picked) if picked else None
