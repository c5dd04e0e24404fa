"""The Solara app: three pages under one app bar (language switch, the folder shown).

Served by ``govsim-dashboard DIR`` (``solara run sim.dashboard.app`` with ``GOVSIM_DASHBOARD_DIR=DIR``).
"""

from __future__ import annotations

import solara
import solara.lab

from . import state
from .communes_page import CommunesPage
from .compare_page import ComparePage
from .run_page import RunPage
from .text import T
from .widgets import Guard


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's layout signature
    lang = state.lang.value
    cat = state.catalog()
    route, routes = solara.use_route()
    solara.Title(T(lang, "app.title"))
    with solara.AppLayout(title=T(lang, "app.title"), navigation=True, sidebar_open=False) as main:
        with solara.AppBar():
            solara.AppBarTitle(T(lang, "app.title"))
            with solara.lab.Tabs(value=routes.index(route) if route in routes else 0, align="center", dark=True):
                for r in routes:
                    name = "compare" if r.path == "/" else r.path
                    solara.lab.Tab(T(lang, f"page.{name}"), path_or_route=r, classes=[f"tab-{name}"])
            solara.Text(str(cat.root), style={"font-size": "0.8rem", "opacity": "0.85", "margin": "0 12px"})
            solara.ToggleButtonsSingle(value=state.lang, values=["en", "vi"], dense=True, classes=["lang-toggle"])
        Guard(children=children)
    return main


routes = [
    solara.Route(path="/", component=ComparePage, label="Compare", layout=Layout),
    solara.Route(path="communes", component=CommunesPage, label="Communes"),
    solara.Route(path="run", component=RunPage, label="Run a scenario"),
]
