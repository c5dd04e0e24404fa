"""The lever figure: each policy lever's paired effect against the baseline, with its staff-equivalent.

A forest plot, one row per lever set (conf/policy/; the designs ``<base> + <levers>`` of a sweep such as
+experiment=policy_levers), one panel per metric: late share, mean delay, largest commune backlog, officer
utilisation; the point is the mean over seeds of the paired difference (same seed, same citizens: common
random numbers), the bar its 95% CI (t over the seeds). The staff-equivalent of a lever is the number of
added posts (policy added_posts) that gives the same mean fall in the largest commune backlog, interpolated
linearly over the added_posts strengths present in the sweep (0 posts = the baseline); beyond the largest
strength it reads "> N". Drawn only when the sweep has policy runs.
"""
from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from .labels import fmt_num
from .plotting import Context, FigureResult, new_figure, save
from .stats import is_share, mean_ci, per_seed

log = logging.getLogger("sim.report")

METRICS = ("resolved_late_share", "mean_delay_days", "max_commune_backlog", "officer_utilisation_mean")
NAME = "policy_levers"
LEVER_ORDER = ("delegate_signing", "online_2026", "location_independent", "semi_professional", "training")

# Labels of this figure, in both languages (the same keys: tests/test_policy.py checks).
TEXT = {
    "en": {
        "title": "Policy levers: paired difference from the baseline (95% CI)",
        "x.resolved_late_share": "Late share (points)", "x.mean_delay_days": "Mean delay (days)",
        "x.max_commune_backlog": "Largest commune backlog", "x.officer_utilisation_mean": "Officer utilisation (points)",
        "lever.delegate_signing": "Delegated signing", "lever.online_2026": "Online filing 2026",
        "lever.location_independent": "Location-independent filing", "lever.semi_professional": "Semi-professional helpers",
        "lever.training": "Training", "lever.added_posts": "{n} added posts", "lever.all": "All levers",
        "equiv": "≈ {n} posts", "equiv_ns": "≈ {n} posts, CI spans 0", "equiv_over": "> {n} posts", "equiv_none": "no fall",
        "note": "Points: mean over {seeds} seeds of the paired difference against {base}; bars: 95% CI. "
                "Left of 0 is better in every panel but utilisation.",
        "heading": "Policy levers",
        "para": "**{lever}** ({levers}). Against the baseline, the late share changes by {late} points, the mean "
                "delay by {delay} days, the largest commune backlog by {backlog} dossiers and officer utilisation "
                "by {util} points (means of the paired differences over {seeds} seeds, 95% CI in brackets). "
                "Staff-equivalent: {equiv}. {about}",
        "about.delegate_signing": "Source: [N25] [T24 L4128-4135]; assumes every certification's signing is "
                                  "delegated to the officer who did it (strength 1).",
        "about.online_2026": "Source: 58,9% online in 2025, 91,42% in January-May 2026 [R26 L309]; assumes a linear "
                             "ramp over 6 months, early hand-back at the online share, an online desk check at "
                             "half an in-person one (range 0,3-0,8).",
        "about.location_independent": "Source: 619.214 dossiers filed away from home in 2025 [R26 L309]; assumes half "
                                      "of the eligible filers (authentication of copies) go to the neighbour with "
                                      "the smallest backlog per officer (range 0,2-0,8); other procedures stay home.",
        "about.semi_professional": "Source: proposal of the September 2025 review [N25], 5.463 residential groups "
                                   "[R26 L73]; assumes helpers take 30% of a simple dossier's desk check "
                                   "(range 10-50%) and catch 40% of its incompleteness (range 20-60%).",
        "about.training": "Source: training ordered [N25], few deep specialists in land and construction "
                          "[R26 L183]; assumes land-file effort falls 15% (range 5-30%) and the cross-field "
                          "penalty from 1,5 to 1,25, phased in over 6 months.",
        "about.added_posts": "Source: about 1.200 posts in three rounds [R26 L416]; placed one by one where "
                             "expected casework hours per officer are highest.",
        "about.all": "Every lever above at its default strength, with 400 added posts.",
    },
    "vi": {
        "title": "Các giải pháp chính sách: chênh lệch theo cặp so với kịch bản gốc (KTC 95%)",
        "x.resolved_late_share": "Tỷ lệ trễ hạn (điểm %)", "x.mean_delay_days": "Thời gian xử lý TB (ngày)",
        "x.max_commune_backlog": "Tồn đọng lớn nhất của một xã", "x.officer_utilisation_mean": "Mức sử dụng cán bộ (điểm %)",
        "lever.delegate_signing": "Ủy quyền ký", "lever.online_2026": "Nộp trực tuyến 2026",
        "lever.location_independent": "Nộp hồ sơ không phụ thuộc địa giới", "lever.semi_professional": "Nhân viên bán chuyên trách",
        "lever.training": "Đào tạo", "lever.added_posts": "Thêm {n} biên chế", "lever.all": "Tất cả giải pháp",
        "equiv": "≈ {n} biên chế", "equiv_ns": "≈ {n} biên chế, KTC chứa 0", "equiv_over": "> {n} biên chế", "equiv_none": "không giảm",
        "note": "Điểm: trung bình trên {seeds} hạt giống của chênh lệch theo cặp so với {base}; thanh: KTC 95%. "
                "Bên trái số 0 là tốt hơn ở mọi ô trừ mức sử dụng.",
        "heading": "Các giải pháp chính sách",
        "para": "**{lever}** ({levers}). So với kịch bản gốc, tỷ lệ trễ hạn thay đổi {late} điểm %, thời gian xử lý "
                "trung bình {delay} ngày, tồn đọng lớn nhất của một xã {backlog} hồ sơ và mức sử dụng cán bộ "
                "{util} điểm % (trung bình chênh lệch theo cặp trên {seeds} hạt giống, KTC 95% trong ngoặc). "
                "Tương đương biên chế: {equiv}. {about}",
        "about.delegate_signing": "Nguồn: [N25] [T24 L4128-4135]; giả định mọi hồ sơ chứng thực được ủy quyền "
                                  "cho công chức đã xử lý ký (mức 1).",
        "about.online_2026": "Nguồn: 58,9% trực tuyến năm 2025, 91,42% tháng 1-5/2026 [R26 L309]; giả định tăng "
                             "tuyến tính trong 6 tháng, trả kết quả sớm theo tỷ lệ trực tuyến, kiểm tra hồ sơ "
                             "trực tuyến tốn nửa thời gian (khoảng 0,3-0,8).",
        "about.location_independent": "Nguồn: 619.214 hồ sơ nộp ngoài nơi cư trú năm 2025 [R26 L309]; giả định "
                                      "một nửa người nộp đủ điều kiện (chứng thực bản sao) đến xã lân cận ít tồn "
                                      "đọng nhất trên mỗi cán bộ (khoảng 0,2-0,8); thủ tục khác ở lại xã.",
        "about.semi_professional": "Nguồn: đề xuất tại hội nghị tháng 9/2025 [N25], 5.463 tổ dân phố [R26 L73]; "
                                   "giả định nhân viên làm 30% việc kiểm tra hồ sơ đơn giản (khoảng 10-50%) và "
                                   "phát hiện 40% hồ sơ thiếu (khoảng 20-60%).",
        "about.training": "Nguồn: chỉ đạo đào tạo [N25], thiếu chuyên gia đất đai, xây dựng [R26 L183]; giả định "
                          "công xử lý hồ sơ đất đai giảm 15% (khoảng 5-30%) và hệ số làm trái lĩnh vực từ 1,5 "
                          "xuống 1,25, áp dụng dần trong 6 tháng.",
        "about.added_posts": "Nguồn: khoảng 1.200 biên chế trong ba đợt [R26 L416]; phân bổ lần lượt cho nơi có "
                             "số giờ việc dự kiến trên mỗi cán bộ cao nhất.",
        "about.all": "Mọi giải pháp trên ở mức mặc định, cùng 400 biên chế thêm.",
    },
}


def _t(lang: str, key: str, **kw) -> str:
    text = TEXT[lang][key]
    return text.format(**kw) if kw else text


def lever_name(lang: str, policy: str) -> str:
    """A lever set's display name: one lever, added posts with their number, or all of them."""
    parts = policy.split("+")
    if len(parts) > 1:
        return _t(lang, "lever.all") if len(parts) >= len(LEVER_ORDER) else " + ".join(lever_name(lang, p) for p in parts)
    if policy.startswith("added_posts="):
        return _t(lang, "lever.added_posts", n=fmt_num(int(policy.split("=")[1]), lang))
    return _t(lang, f"lever.{policy}") if f"lever.{policy}" in TEXT[lang] else policy


def _about(policy: str) -> str:
    parts = policy.split("+")
    if len(parts) > 1:
        return "about.all"
    return "about.added_posts" if policy.startswith("added_posts=") else f"about.{policy}"


def lever_effects(runs: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """One row per lever set x metric: paired mean difference and 95% CI against the policy-free design
    of the same tier and quota (the baseline), and the baseline's name."""
    if "policy" not in runs:
        return pd.DataFrame(), ""
    runs = runs.assign(policy=runs["policy"].fillna("none"))
    base_rows = runs[runs["policy"] == "none"]
    if base_rows.empty or (runs["policy"] != "none").sum() == 0:
        return pd.DataFrame(), ""
    base = base_rows["design"].value_counts().index[0]
    stem = base.partition(" [")[0]
    mine = runs[(runs["policy"] != "none") & runs["design"].str.startswith(stem + " + ")]
    metrics = [m for m in METRICS if m in runs]
    seeds = per_seed(pd.concat([runs[runs["design"] == base], mine]), metrics)
    b = seeds[seeds["design"] == base].set_index("seed")
    policy_of = dict(zip(mine["design"], mine["policy"]))
    rows = []
    for design, policy in policy_of.items():
        d = seeds[seeds["design"] == design].set_index("seed")
        for m in metrics:
            n, mean, lo, hi = mean_ci((d[m] - b[m]).dropna())
            rows.append(dict(design=design, policy=policy, metric=m, n=n, diff=mean, lo=lo, hi=hi))
    return pd.DataFrame(rows), base


def staff_equivalent(effects: pd.DataFrame) -> dict[str, tuple[str, float]]:
    """Per lever set: ('equiv', posts) | ('equiv_ns', posts: the fall's CI reaches 0) | ('equiv_over', max posts)
    | ('equiv_none', nan), from the fall in the largest commune backlog, interpolated over the added_posts
    strengths (0 posts: no fall)."""
    e = effects[effects["metric"] == "max_commune_backlog"]
    posts = e[e["policy"].str.fullmatch(r"added_posts=\d+")]
    if posts.empty:
        return {}
    x = np.r_[0.0, posts["policy"].str.split("=").str[1].astype(float).to_numpy()]
    y = np.r_[0.0, -posts["diff"].to_numpy()]  # the fall
    order = np.argsort(x)
    x, y = x[order], np.maximum.accumulate(y[order])  # a fall that grows with posts (noise flattened)
    out = {}
    hi = e["hi"] if "hi" in e else pd.Series(-np.inf, index=e.index)
    for policy, diff, upper in zip(e["policy"], e["diff"], hi):
        fall = -diff
        if not math.isfinite(fall) or fall <= 0:
            out[policy] = ("equiv_none", math.nan)
        elif fall > y[-1]:
            out[policy] = ("equiv_over", float(x[-1]))
        else:  # a fall whose CI reaches 0 is not told apart from none: said so
            out[policy] = ("equiv" if upper < 0 else "equiv_ns", float(np.interp(fall, y, x)))
    return out


def _equiv_text(lang: str, eq) -> str:
    key, n = eq
    return _t(lang, key) if key == "equiv_none" else _t(lang, key, n=fmt_num(round(n), lang))


def _rank(policy: str) -> tuple:
    if policy.startswith("added_posts="):
        return (1, int(policy.split("=")[1]))
    if "+" in policy:
        return (2, 0)
    return (0, LEVER_ORDER.index(policy) if policy in LEVER_ORDER else 99)


def fig_levers(ctx: Context) -> FigureResult:
    effects, base = lever_effects(ctx.runs)
    res = FigureResult(NAME, _t(ctx.lang, "title"))
    policies = sorted(effects["policy"].unique(), key=_rank)[::-1]  # first lever at the top
    equiv = staff_equivalent(effects)
    metrics = [m for m in METRICS if m in set(effects["metric"])]
    fig = new_figure(3.0 * len(metrics) + 2.6, 0.42 * len(policies) + 1.9)
    axes = fig.subplots(1, len(metrics), sharey=True, squeeze=False)[0]
    ypos = np.arange(len(policies))
    for ax, m in zip(axes, metrics):
        e = effects[effects["metric"] == m].set_index("policy").reindex(policies)
        k = 100.0 if is_share(m) else 1.0
        diff, lo, hi = e["diff"] * k, e["lo"] * k, e["hi"] * k
        err = np.vstack([(diff - lo).fillna(0).clip(lower=0), (hi - diff).fillna(0).clip(lower=0)])
        colors = ["#4d4d4d" if p.startswith("added_posts=") else "#c1440e" if "+" in p else "#0b5394" for p in policies]
        ax.axvline(0, color="0.5", lw=0.8, zorder=0)
        for y, c, x, lo_err, hi_err in zip(ypos, colors, diff, err[0], err[1]):
            ax.errorbar([x], [y], xerr=[[lo_err], [hi_err]], fmt="none", ecolor=c, elinewidth=1.6, capsize=3)
        ax.scatter(diff, ypos, c=colors, s=28, zorder=3)
        ax.set_xlabel(_t(ctx.lang, f"x.{m}"), fontsize="small")
        ax.tick_params(axis="x", labelsize="small")
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.xaxis.set_major_formatter(lambda v, _pos: fmt_num(v, ctx.lang))
    names = [lever_name(ctx.lang, p) + (f"\n({_equiv_text(ctx.lang, equiv[p])})" if p in equiv and not
                                        p.startswith("added_posts=") else "") for p in policies]
    axes[0].set_yticks(ypos, names, fontsize="small")
    seeds = int(effects["n"].max()) if len(effects) else 0
    fig.suptitle(res.title)
    fig.supxlabel(_t(ctx.lang, "note", seeds=seeds, base=ctx.dl(base)), fontsize="x-small", color="0.3")
    res.paths = save(fig, ctx.out, res.name)
    res.facts = {"paragraph": lever_paragraphs(effects, equiv, ctx.lang, seeds)}
    return res


def _cell(effects: pd.DataFrame, policy: str, metric: str, lang: str) -> str:
    row = effects[(effects["policy"] == policy) & (effects["metric"] == metric)]
    if row.empty:
        return "–"
    k = 100.0 if is_share(metric) else 1.0
    r = row.iloc[0]
    digits = 2 if k == 100.0 or abs(r["diff"]) < 10 else 1 if abs(r["diff"]) < 100 else 0
    f = lambda v: fmt_num(v * k, lang, digits)  # noqa: E731
    return f"{f(r['diff'])} [{f(r['lo'])}; {f(r['hi'])}]"


def lever_paragraphs(effects: pd.DataFrame, equiv: dict, lang: str, seeds: int) -> str:
    """report.md: a paragraph per lever set with its numbers, source and assumptions."""
    out = []
    for policy in sorted(effects["policy"].unique(), key=_rank):
        eq = _equiv_text(lang, equiv[policy]) if policy in equiv else "–"
        out.append(_t(lang, "para", lever=lever_name(lang, policy), levers=f"`{policy}`",
                      late=_cell(effects, policy, "resolved_late_share", lang),
                      delay=_cell(effects, policy, "mean_delay_days", lang),
                      backlog=_cell(effects, policy, "max_commune_backlog", lang),
                      util=_cell(effects, policy, "officer_utilisation_mean", lang),
                      seeds=seeds, equiv=eq, about=_t(lang, _about(policy))))
    return "\n\n".join(out)


def make_lever_figures(ctx: Context, names=None) -> list[FigureResult]:
    """The lever figure when the sweep has policy runs and a policy-free baseline; else nothing."""
    if names is not None and NAME not in names:
        return []
    effects, _ = lever_effects(ctx.runs)
    if effects.empty:
        return []
    return [fig_levers(ctx)]
