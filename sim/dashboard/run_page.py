"""Run a scenario: a small form that runs govsim in the background with a progress bar, then adds the run to
the catalog and to the Compare page. Large runs are refused with a one-line hint at the command line."""

from __future__ import annotations

import re
import time

import solara
import solara.lab

from sim.config import QUOTAS, TIERS, ConfigError

from . import state
from .scenario import MAX_YEAR_SHARE, Request, communes_of, start
from .text import T
from .widgets import CatalogMessages

tier = solara.reactive("two_tier")
quota = solara.reactive("uniform")
communes = solara.reactive([])  # "Name (code)" strings
scale = solara.reactive(1.0)
days = solara.reactive(30)
seed = solara.reactive(0)
refused = solara.reactive("")


def _code(item: str) -> str:
    m = re.search(r"\(([^()]+)\)\s*$", item)
    return m.group(1) if m else item.strip()


@solara.lab.task
def run_task(req: Request) -> dict:
    cat = state.catalog()
    job = start(req, cat.form_dir)
    while not job.done:
        run_task.progress = 100 * job.fraction
        time.sleep(0.25)
    if not job.ok:
        return {"ok": False, "message": job.message}
    cat.reload()
    rel = job.out_dir.relative_to(cat.root).as_posix()
    row = cat.runs[cat.runs["run_dir"] == rel]
    if row.empty:
        return {"ok": False, "message": f"{rel} finished but is not in the catalog"
                + "".join(f"; {p}" for p in cat.problems if p.run == rel)}
    design = row["design"].iloc[0]
    picked = state.chosen_designs(cat)
    state.designs.set([d for d in picked if d != design] + [design])  # shown on the Compare page
    state.catalog_version.set(state.catalog_version.value + 1)
    return {"ok": True, "run_dir": rel, "design": design, "n_runs": len(cat.runs),
            "message": f"added {rel} to the catalog ({len(cat.runs)} runs) as design {design}"}


def submit():
    req = Request(tier=tier.value, quota=quota.value, communes=tuple(_code(c) for c in communes.value),
                  scale=float(scale.value or 0), days=int(days.value or 0), seed=int(seed.value or 0))
    refused.set("")
    try:
        from .scenario import check

        check(req)
    except ConfigError as exc:
        refused.set(str(exc))
        return
    run_task(req)


@solara.component
def RunPage():
    lang = state.lang.value
    cat = state.catalog()
    CatalogMessages(cat)
    options = [f"{r.name} ({r.unit_code})" for r in communes_of(tier.value).itertuples()]
    with solara.Card(T(lang, "page.run"), style={"max-width": "760px"}):
        solara.Markdown(T(lang, "run.intro", dir=cat.form_dir, limit=MAX_YEAR_SHARE))
        with solara.Row():
            solara.Select(T(lang, "run.tier"), values=list(TIERS), value=tier, classes=["run-tier"])
            solara.Select(T(lang, "run.quota"), values=list(QUOTAS), value=quota, classes=["run-quota"])
        solara.SelectMultiple(T(lang, "run.communes"), values=[c for c in communes.value if c in options],
                              all_values=options, on_value=communes.set, classes=["run-communes"])
        with solara.Row():
            solara.InputFloat(T(lang, "run.scale"), value=scale, classes=["run-scale"])
            solara.InputInt(T(lang, "run.days"), value=days, classes=["run-days"])
            solara.InputInt(T(lang, "run.seed"), value=seed, classes=["run-seed"])
        solara.Button(T(lang, "run.button"), on_click=submit, color="primary", disabled=run_task.pending,
                      classes=["run-button"])
        if refused.value:
            solara.Error(refused.value, classes=["run-refused"])
        if run_task.pending:
            solara.Text("running…" if run_task.progress else "preparing the world…")
            solara.ProgressLinear(run_task.progress or True, classes=["run-progress"])
        elif run_task.finished and run_task.value:
            result = run_task.value
            (solara.Success if result["ok"] else solara.Error)(result["message"], classes=["run-result"])
        elif run_task.error:
            solara.Error(f"run failed: {type(run_task.exception).__name__}: {run_task.exception}",
                         classes=["run-result"])
