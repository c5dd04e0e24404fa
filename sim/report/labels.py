"""Every user-facing string of the report, one dict per language.

``LABELS["en"]`` and ``LABELS["vi"]`` have the same keys (a test checks this). Vietnamese strings are NFC
(precomposed) so DejaVu Sans renders every diacritic. Text templates use ``str.format`` placeholders.
"""

from __future__ import annotations

import unicodedata

from .map_labels import MAP_EN, MAP_VI

LANGS = ("en", "vi")

_EN: dict[str, str] = {
    # designs, tiers, quotas
    "design.three_tier/historical": "Three tiers as staffed",
    "design.three_tier/uniform": "Three tiers, same budget, uniform quota",
    "design.three_tier/area_grouped": "Three tiers, same budget, area-grouped quota",
    "design.two_tier/uniform": "Two-tier, uniform quota",
    "design.two_tier/area_grouped": "Two-tier, area-grouped quota",
    "tier.three_tier": "Three-tier government",
    "tier.two_tier": "Two-tier government",
    "quota.uniform": "Uniform quota",
    "quota.area_grouped": "Area-grouped quota",
    "group.uniform": "uniform",
    "group.pilot_ward": "pilot ward",
    "group.commune_I": "commune, class I",
    "group.commune_II": "commune, class II",
    "group.commune_III": "commune, class III",
    "group.town_I": "town, class I",
    "group.town_II": "town, class II",
    "group.town_III": "town, class III",
    # fields of work
    "field.land_construction": "Land & construction",
    "field.justice_civil_status": "Justice & civil status",
    "field.culture_society": "Culture & society",
    "field.finance": "Finance",
    "field.office_statistics": "Office & statistics",
    "field.economy": "Economy",
    # outcomes
    "outcome.early": "Early",
    "outcome.on_time": "On time",
    "outcome.late": "Late",
    # summary metrics (comparison table)
    "metric.dossiers_received": "Dossiers received",
    "metric.dossiers_resolved": "Dossiers resolved",
    "metric.resolved_early_share": "Resolved early (%)",
    "metric.resolved_on_time_share": "Resolved on time (%)",
    "metric.resolved_late_share": "Resolved late (%)",
    "metric.on_time_rate": "On-time rate, early + on time (%)",
    "metric.backlog_end": "Backlog at end of period",
    "metric.backlog_end_overdue_share": "Overdue share of end backlog (%)",
    "metric.mean_delay_days": "Mean delay (working days)",
    "metric.p90_delay_days": "90th percentile delay (working days)",
    "metric.complaints_received": "Complaints received",
    "metric.complaints_resolved": "Complaints resolved",
    "metric.complaints_escalated": "Complaints escalated",
    "metric.tasks_received": "Top-down tasks received",
    "metric.tasks_resolved": "Top-down tasks completed",
    "metric.max_commune_backlog": "Largest commune backlog",
    "metric.officer_utilisation_mean": "Mean officer utilisation (%)",
    "metric.commune_utilisation_mean": "Mean commune utilisation (%)",
    "metric.commune_utilisation_max": "Highest commune utilisation (%)",
    "metric.online_share": "Filed online (%)",
    "metric.consultations": "Consultations sent up",
    # figure 1
    "backlog.title": "Backlog over time",
    "backlog.x": "Date",
    "backlog.x_day": "Working day",
    "backlog.y": "Open requests, all units (full scale)",
    "backlog.band": "line: mean over seeds; band: 95% CI",
    "backlog.switch": "two tiers from here",
    "design.reform_2025/uniform": "Reform in 2025, uniform quota from the switch",
    "design.reform_2025/area_grouped": "Reform in 2025, area-grouped quota from the switch",
    # figure 2
    "delay.title": "Processing delay of resolved dossiers",
    "delay.x": "Delay (working days)",
    "delay.y": "Share of dossiers resolved within x",
    "delay.deadline_curve": "Statutory time allowed (all dossiers)",
    "delay.deadline_median": "Median statutory deadline: {v} working days",
    # figure 3
    "outcome.title": "Early, on-time and late resolution of dossiers",
    "outcome.x": "Share of resolved dossiers (%)",
    # figure 4
    "load.title": "Commune backlog against population",
    "load.x": "Population (thousands)",
    "load.y": "Mean backlog per commune (full scale)",
    "load.hue": "Quota group",
    "load.hue_mapped": "Quota group\n(area-grouped scheme)",
    # figure 5
    "heat.title": "Commune utilisation by quota group and field",
    "heat.x": "Field",
    "heat.y": "Quota group",
    "heat.cbar": "Utilisation: busy / available hours (%)",
    # figure 6
    "complaints.title": "Complaints received and escalated",
    "complaints.received": "Received",
    "complaints.escalated": "Escalated",
    "complaints.y": "Complaints (full scale, mean ± 95% CI)",
    # figure 7
    "alloc.title": "Staffing allocation: officers per commune",
    "alloc.x": "Population (thousands)",
    "alloc.y": "Officers, all fields (full-scale quota)",
    "alloc.hue": "Quota",
    # comparison table
    "table.metric": "Metric",
    "table.ci_note": "Mean over seeds [95% CI, t-distribution]; n = {n}.",
    "table.diff_title": "Paired difference vs {baseline} (same seed), mean [95% CI]",
    "table.means_title": "Mean per design",
    "table.pp": "pp",
    # report document
    "doc.title": "Simulation report: {sweep}",
    "doc.intro": "{n_runs} runs, {n_designs} designs, seeds per design: {seeds}. Baseline for paired "
    "differences: {baseline}. Counts are at full scale; shares in %.",
    "doc.skipped": "Skipped or flagged run folders ({n}):",
    "doc.variants": "Runs of one design whose configs differ in {keys} are compared as separate variants.",
    "doc.comparison": "Comparison of designs",
    "doc.figures": "Figures",
    "doc.fig_missing": "Not drawn: {reason}.",
    "doc.list_sep": "; ",
    "doc.backlog": "Total open requests at all units per working day, scaled to full scale, mean over "
    "seeds with a 95% band. Averaged over the period, {max_design} has the highest backlog ({max_value}) and "
    "{min_design} the lowest ({min_value}). Backlog on the last day: {end_list}.",
    "doc.delay": "Empirical cumulative distribution (ECDF) of the processing delay of resolved dossiers, "
    "pooled over seeds. The grey dashed curve is the ECDF of the statutory time allowed (deadline minus "
    "arrival, all dossiers) and the dotted line marks its median, {deadline_median} working days. Median "
    "delay per design: {median_list}. 90th percentile: {p90_list}.",
    "doc.outcome": "Shares of resolved dossiers finished early, on time and late (mean over seeds). The "
    "on-time rate (early + on time) is highest under {max_design} ({max_value}) and lowest under "
    "{min_design} ({min_value}). Late share: {late_list}.",
    "doc.load": "Each point is a commune: its backlog averaged over days and seeds (full scale) against "
    "its population, coloured by quota group{mapped}. The most loaded commune is {top_name} under "
    "{top_design} ({top_value}). Spearman correlation of backlog with population: {rho_list}. Panels in one row "
    "share the y scale.",
    "doc.load_mapped": " (groups of the area-grouped scheme, also for uniform-quota runs)",
    "doc.heat": "Utilisation (busy over available officer hours) of communes by quota group and field, "
    "pooled over days and averaged over seeds. The most loaded cell is {max_group} × {max_field} under "
    "{max_design} ({max_value}); the least loaded is {min_group} × {min_field} under {min_design} "
    "({min_value}).",
    "doc.complaints": "Complaints received and escalated to a higher level (full scale, mean over seeds "
    "with 95% CI). Received: {received_list}. Escalated: {escalated_list}.{escalation}",
    "doc.escalation_max": " The escalation rate (escalated / received) is highest under {design} ({value}).",
    "doc.escalation_none": " No complaint was escalated.",
    "doc.alloc": "Officers per commune (all fields, full-scale quota) against population, per tier and "
    "quota. {quota_list}.",
    "doc.alloc_item": "{design}: {officers} officers per commune, {residents} residents per officer",
}

_VI: dict[str, str] = {
    "design.three_tier/historical": "Ba cấp theo biên chế thực tế",
    "design.three_tier/uniform": "Ba cấp, cùng tổng biên chế, biên chế đồng đều",
    "design.three_tier/area_grouped": "Ba cấp, cùng tổng biên chế, biên chế theo nhóm địa bàn",
    "design.two_tier/uniform": "Hai cấp, biên chế đồng đều",
    "design.two_tier/area_grouped": "Hai cấp, biên chế theo nhóm địa bàn",
    "tier.three_tier": "Chính quyền ba cấp",
    "tier.two_tier": "Chính quyền hai cấp",
    "quota.uniform": "Biên chế đồng đều",
    "quota.area_grouped": "Biên chế theo nhóm địa bàn",
    "group.uniform": "đồng đều",
    "group.pilot_ward": "phường thí điểm",
    "group.commune_I": "xã loại I",
    "group.commune_II": "xã loại II",
    "group.commune_III": "xã loại III",
    "group.town_I": "thị trấn loại I",
    "group.town_II": "thị trấn loại II",
    "group.town_III": "thị trấn loại III",
    "field.land_construction": "Đất đai – xây dựng",
    "field.justice_civil_status": "Tư pháp – hộ tịch",
    "field.culture_society": "Văn hóa – xã hội",
    "field.finance": "Tài chính",
    "field.office_statistics": "Văn phòng – thống kê",
    "field.economy": "Kinh tế",
    "outcome.early": "Trước hạn",
    "outcome.on_time": "Đúng hạn",
    "outcome.late": "Trễ hạn",
    "metric.dossiers_received": "Hồ sơ tiếp nhận",
    "metric.dossiers_resolved": "Hồ sơ đã giải quyết",
    "metric.resolved_early_share": "Giải quyết trước hạn (%)",
    "metric.resolved_on_time_share": "Giải quyết đúng hạn (%)",
    "metric.resolved_late_share": "Giải quyết trễ hạn (%)",
    "metric.on_time_rate": "Tỷ lệ đúng hạn, gồm trước hạn (%)",
    "metric.backlog_end": "Hồ sơ tồn đọng cuối kỳ",
    "metric.backlog_end_overdue_share": "Tỷ lệ quá hạn trong tồn đọng cuối kỳ (%)",
    "metric.mean_delay_days": "Thời gian giải quyết trung bình (ngày làm việc)",
    "metric.p90_delay_days": "Thời gian giải quyết, phân vị 90 (ngày làm việc)",
    "metric.complaints_received": "Khiếu nại tiếp nhận",
    "metric.complaints_resolved": "Khiếu nại đã giải quyết",
    "metric.complaints_escalated": "Khiếu nại chuyển lên cấp trên",
    "metric.tasks_received": "Nhiệm vụ cấp trên giao",
    "metric.tasks_resolved": "Nhiệm vụ đã hoàn thành",
    "metric.max_commune_backlog": "Tồn đọng lớn nhất tại một xã",
    "metric.officer_utilisation_mean": "Tỷ lệ sử dụng nhân lực trung bình (%)",
    "metric.commune_utilisation_mean": "Tỷ lệ sử dụng nhân lực cấp xã, trung bình (%)",
    "metric.commune_utilisation_max": "Tỷ lệ sử dụng nhân lực cấp xã, cao nhất (%)",
    "metric.online_share": "Nộp hồ sơ trực tuyến (%)",
    "metric.consultations": "Lượt xin ý kiến cấp trên",
    "backlog.title": "Hồ sơ tồn đọng theo thời gian",
    "backlog.x": "Ngày",
    "backlog.x_day": "Ngày làm việc",
    "backlog.y": "Hồ sơ tồn đọng, mọi đơn vị (quy mô đầy đủ)",
    "backlog.band": "đường: trung bình các lần chạy; dải: khoảng tin cậy 95%",
    "backlog.switch": "hai cấp từ đây",
    "design.reform_2025/uniform": "Cải cách năm 2025, biên chế đồng đều từ ngày chuyển",
    "design.reform_2025/area_grouped": "Cải cách năm 2025, biên chế theo nhóm địa bàn từ ngày chuyển",
    "delay.title": "Thời gian giải quyết hồ sơ đã hoàn thành",
    "delay.x": "Thời gian giải quyết (ngày làm việc)",
    "delay.y": "Tỷ lệ hồ sơ giải quyết xong trong x ngày",
    "delay.deadline_curve": "Thời hạn luật định (mọi hồ sơ)",
    "delay.deadline_median": "Trung vị thời hạn luật định: {v} ngày làm việc",
    "outcome.title": "Giải quyết hồ sơ trước hạn, đúng hạn và trễ hạn",
    "outcome.x": "Tỷ lệ trên tổng số hồ sơ đã giải quyết (%)",
    "load.title": "Tồn đọng cấp xã theo dân số",
    "load.x": "Dân số (nghìn người)",
    "load.y": "Tồn đọng trung bình mỗi xã (quy mô đầy đủ)",
    "load.hue": "Nhóm biên chế",
    "load.hue_mapped": "Nhóm biên chế\n(phương án theo nhóm)",
    "heat.title": "Tỷ lệ sử dụng nhân lực cấp xã theo nhóm biên chế và lĩnh vực",
    "heat.x": "Lĩnh vực",
    "heat.y": "Nhóm biên chế",
    "heat.cbar": "Tỷ lệ sử dụng: giờ làm việc / giờ có mặt (%)",
    "complaints.title": "Khiếu nại tiếp nhận và chuyển lên cấp trên",
    "complaints.received": "Tiếp nhận",
    "complaints.escalated": "Chuyển lên cấp trên",
    "complaints.y": "Số khiếu nại (quy mô đầy đủ, trung bình ± KTC 95%)",
    "alloc.title": "Phân bổ biên chế: số công chức mỗi xã",
    "alloc.x": "Dân số (nghìn người)",
    "alloc.y": "Số công chức, mọi lĩnh vực (định mức đầy đủ)",
    "alloc.hue": "Phương án biên chế",
    "table.metric": "Chỉ tiêu",
    "table.ci_note": "Trung bình qua các lần chạy [khoảng tin cậy 95%, phân phối t]; n = {n}.",
    "table.diff_title": "Chênh lệch ghép cặp so với {baseline} (cùng seed), trung bình [KTC 95%]",
    "table.means_title": "Trung bình theo phương án",
    "table.pp": "điểm %",
    "doc.title": "Báo cáo mô phỏng: {sweep}",
    "doc.intro": "{n_runs} lần chạy, {n_designs} phương án, số seed mỗi phương án: {seeds}. Phương án gốc "
    "để so sánh ghép cặp: {baseline}. Số lượng tính theo quy mô đầy đủ; tỷ lệ tính bằng %.",
    "doc.skipped": "Thư mục lần chạy bị bỏ qua hoặc cần lưu ý ({n}):",
    "doc.variants": "Các lần chạy cùng phương án nhưng khác cấu hình ở {keys} được so sánh như các biến thể "
    "riêng.",
    "doc.comparison": "So sánh các phương án",
    "doc.figures": "Biểu đồ",
    "doc.fig_missing": "Không vẽ được: {reason}.",
    "doc.list_sep": "; ",
    "doc.backlog": "Tổng số hồ sơ, yêu cầu đang tồn đọng tại mọi đơn vị theo từng ngày làm việc, quy đổi "
    "ra quy mô đầy đủ, trung bình qua các lần chạy kèm dải tin cậy 95%. Tính bình quân cả kỳ, {max_design} "
    "có tồn đọng cao nhất ({max_value}), {min_design} thấp nhất ({min_value}). Tồn đọng ngày cuối kỳ: "
    "{end_list}.",
    "doc.delay": "Hàm phân phối tích lũy thực nghiệm (ECDF) của thời gian giải quyết hồ sơ đã hoàn "
    "thành, gộp mọi lần chạy. Đường đứt nét màu xám là ECDF của thời hạn luật định (hạn trả trừ ngày "
    "tiếp nhận, mọi hồ sơ); đường chấm đánh dấu trung vị của thời hạn này, {deadline_median} ngày làm "
    "việc. Trung vị thời gian giải quyết theo phương án: {median_list}. Phân vị 90: {p90_list}.",
    "doc.outcome": "Tỷ lệ hồ sơ đã giải quyết trước hạn, đúng hạn và trễ hạn (trung bình qua các lần "
    "chạy). Tỷ lệ đúng hạn (gồm trước hạn) cao nhất ở phương án {max_design} ({max_value}) và thấp nhất ở "
    "{min_design} ({min_value}). Tỷ lệ trễ hạn: {late_list}.",
    "doc.load": "Mỗi điểm là một xã: tồn đọng bình quân theo ngày và theo các lần chạy (quy mô đầy đủ) "
    "so với dân số, tô màu theo nhóm biên chế{mapped}. Xã chịu tải nặng nhất là {top_name} trong phương "
    "án {top_design} ({top_value}). Hệ số tương quan Spearman giữa tồn đọng và dân số: {rho_list}. Các ô "
    "cùng hàng dùng chung thang đo trục tung.",
    "doc.load_mapped": " (nhóm của phương án theo nhóm địa bàn, áp dụng cả cho các lần chạy biên chế "
    "đồng đều)",
    "doc.heat": "Tỷ lệ sử dụng nhân lực (giờ làm việc trên giờ có mặt) của cấp xã theo nhóm biên chế và "
    "lĩnh vực, gộp mọi ngày và lấy trung bình qua các lần chạy. Ô chịu tải cao nhất là {max_group} × "
    "{max_field} trong phương án {max_design} ({max_value}); thấp nhất là {min_group} × {min_field} trong "
    "phương án {min_design} ({min_value}).",
    "doc.complaints": "Số khiếu nại tiếp nhận và chuyển lên cấp trên (quy mô đầy đủ, trung bình qua các "
    "lần chạy kèm KTC 95%). Tiếp nhận: {received_list}. Chuyển lên cấp trên: {escalated_list}.{escalation}",
    "doc.escalation_max": " Tỷ lệ chuyển lên cấp trên (số chuyển / số tiếp nhận) cao nhất ở phương án {design} "
    "({value}).",
    "doc.escalation_none": " Không có khiếu nại nào phải chuyển lên cấp trên.",
    "doc.alloc": "Số công chức mỗi xã (mọi lĩnh vực, định mức quy mô đầy đủ) so với dân số, theo mô hình "
    "chính quyền và phương án biên chế. {quota_list}.",
    "doc.alloc_item": "{design}: {officers} công chức mỗi xã, {residents} người dân trên một công chức",
}

LABELS: dict[str, dict[str, str]] = {
    "en": {**_EN, **MAP_EN},
    "vi": {k: unicodedata.normalize("NFC", v) for k, v in {**_VI, **MAP_VI}.items()},
}


def labels_for(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return LABELS[lang]


def label(lang: str, key: str, default: str | None = None) -> str:
    """The label ``key`` in ``lang``; ``default`` (or the last part of the key) when there is none."""
    table = labels_for(lang)
    if key in table:
        return table[key]
    return default if default is not None else key.split(".", 1)[-1]


def design_label(lang: str, design: str) -> str:
    """``three_tier/uniform`` -> its name; a variant keeps its ``[key=value]`` suffix, a policy design its
    `` + levers`` untranslated."""
    base, sep, rest = design.partition(" [")
    base, plus, levers = base.partition(" + ")  # policy levers (conf/policy/) keep their option names
    return label(lang, f"design.{base}", base) + (f" + {levers}" if plus else "") + (f" [{rest}" if sep else "")


def field_label(lang: str, field: str) -> str:
    return label(lang, f"field.{field}", field.replace("_", " "))


def group_label(lang: str, group: str) -> str:
    return label(lang, f"group.{group}", str(group))


def fmt_num(x: float | None, lang: str = "en", digits: int | None = None) -> str:
    """A number for text: thousands separators, sensible decimals, Vietnamese ``1.234,5`` style."""
    if x is None or x != x:  # None or NaN
        return "–"
    if digits is None:
        ax = abs(x)
        digits = 0 if ax >= 100 or float(x).is_integer() else 1 if ax >= 10 else 2 if ax >= 0.1 or ax == 0 else 3
    s = f"{x:,.{digits}f}"
    if lang == "vi":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s.replace("-", "−") if s.startswith("-") else s


def common_digits(values) -> int:
    """Decimals that suit the largest magnitude among ``values`` (so a column or list reads evenly)."""
    finite = [abs(v) for v in values if v is not None and v == v]
    top = max(finite, default=0.0)
    return 0 if top >= 100 else 1 if top >= 10 else 2 if top >= 0.1 or top == 0 else 3


def fmt_pct(share: float | None, lang: str = "en", digits: int = 1) -> str:
    """A 0–1 share as a percentage string."""
    if share is None or share != share:
        return "–"
    return fmt_num(100.0 * share, lang, digits) + "%"
