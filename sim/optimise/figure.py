"""The optimiser's figure, in the chart pack's style (en/vi): posts against population per allocation."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.report.labels import fmt_num
from sim.report.plotting import format_axis, new_figure, report_style, save

COLORS = {"uniform": "#c1440e", "area_grouped": "#e69f00", "optimum": "#0b5394", "rule": "#222222"}
MARKERS = {"uniform": "s", "area_grouped": "^", "optimum": "o"}
TEXT = {
    "en": {"title": "Posts per commune against population", "x": "residents (thousands)",
           "y": "civil-servant posts", "uniform": "uniform (today)", "area_grouped": "area-grouped",
           "optimum": "optimum", "rule": "fitted rule",
           "note": "{n} communes, {budget} posts in each allocation; objective: {objective}"},
    "vi": {"title": "Biên chế mỗi xã theo dân số", "x": "dân số (nghìn người)", "y": "biên chế công chức",
           "uniform": "bình quân (hiện nay)", "area_grouped": "theo nhóm", "optimum": "tối ưu",
           "rule": "quy tắc khớp", "note": "{n} xã, mỗi phương án {budget} biên chế; mục tiêu: {objective}"},
}
OBJECTIVE_TEXT = {
    "en": {"max_backlog": "largest commune backlog", "late_share": "city late share",
           "worst_on_time": "lowest commune on-time rate"},
    "vi": {"max_backlog": "tồn đọng lớn nhất của một xã", "late_share": "tỷ lệ trễ hạn toàn thành phố",
           "worst_on_time": "tỷ lệ đúng hạn thấp nhất của một xã"},
}


def draw(out: Path, population: np.ndarray, totals: dict[str, np.ndarray], objective: str, lang: str) -> list[Path]:
    """Scatter of posts per commune vs population: uniform, area-grouped, optimum; the rule as a line."""
    t = TEXT[lang]
    order = np.argsort(population, kind="stable")
    x = population / 1000
    with report_style():
        fig = new_figure(7.5, 4.8)
        ax = fig.subplots()
        for name in ("uniform", "area_grouped", "optimum"):
            if name in totals:
                ax.scatter(x, totals[name], s=16, marker=MARKERS[name], color=COLORS[name], alpha=0.75,
                           label=t[name], linewidths=0)
        if "rule" in totals:
            ax.plot(x[order], totals["rule"][order], color=COLORS["rule"], lw=1.2, drawstyle="steps-mid",
                    label=t["rule"])
        ax.set_xlabel(t["x"])
        ax.set_ylabel(t["y"])
        ax.set_title(t["title"])
        format_axis(ax, lang, "both")
        ax.legend(loc="upper left", fontsize="small")
        budget = int(next(iter(totals.values())).sum())
        ax.text(0.99, 0.02, t["note"].format(n=len(population), budget=fmt_num(budget, lang, 0),
                                             objective=OBJECTIVE_TEXT[lang][objective]),
                transform=ax.transAxes, fontsize=8, color="0.35", ha="right", va="bottom")
        return save(fig, out, f"officers_vs_population_{lang}")
