"""The dashboard's own labels, in English and Vietnamese (the chart pack's are in sim.report.labels).

``T(lang, key, **kw)`` looks a key up here first, then in the chart pack's labels, so metric, design and
field names are the report's.
"""

from __future__ import annotations

import unicodedata

from sim.report.labels import label

_EN = {
    "app.title": "govsim dashboard",
    "page.compare": "Compare",
    "page.communes": "Communes",
    "page.run": "Run a scenario",
    "compare.designs": "Designs",
    "facet.tier": "Tier",
    "facet.quota": "Quota",
    "compare.baseline": "Baseline for paired differences",
    "compare.none": "Pick at least one design.",
    "compare.all_metrics": "all metrics",
    "compare.runs": "{n} run(s) selected, seeds per design: {seeds}.",
    "communes.design": "Design shown in the table",
    "communes.search": "Search communes (with or without diacritics)",
    "communes.pick": "Click a commune in the table to see its daily backlog by field.",
    "communes.absent": "Not a unit under {designs}.",
    "col.unit": "Code",
    "col.name": "Commune",
    "col.population": "Population",
    "col.area_km2": "Area (km²)",
    "col.officers": "Officers (quota)",
    "col.backlog": "Mean backlog",
    "col.on_time_rate": "On time (%)",
    "col.utilisation": "Utilisation (%)",
    "daily.title": "Daily backlog by field: {name}",
    "daily.y": "Open requests (full scale, mean over seeds)",
    "daily.legend": "Field",
    "chart.download": "Download",
    "run.intro": "Runs `govsim` in the background into `{dir}`. Pick communes **or** a scale below 1; runs "
    "larger than {limit:g} of a full-scale year are refused (use the command line).",
    "run.tier": "Tier",
    "run.quota": "Quota",
    "run.communes": "Communes (empty: all of Hanoi)",
    "run.scale": "Scale (0-1]",
    "run.days": "Days",
    "run.seed": "Seed",
    "run.button": "Run",
    "chart.drawing": "Drawing the charts…",
}

_VI = {
    "app.title": "Bảng điều khiển govsim",
    "page.compare": "So sánh",
    "page.communes": "Xã, phường",
    "page.run": "Chạy kịch bản",
    "compare.designs": "Phương án",
    "facet.tier": "Mô hình chính quyền",
    "facet.quota": "Phương án biên chế",
    "compare.baseline": "Phương án gốc để so sánh ghép cặp",
    "compare.none": "Chọn ít nhất một phương án.",
    "compare.all_metrics": "mọi chỉ tiêu",
    "compare.runs": "Đã chọn {n} lần chạy, số seed mỗi phương án: {seeds}.",
    "communes.design": "Phương án hiển thị trong bảng",
    "communes.search": "Tìm xã, phường (có hoặc không dấu)",
    "communes.pick": "Bấm vào một xã trong bảng để xem tồn đọng hằng ngày theo lĩnh vực.",
    "communes.absent": "Không phải đơn vị trong phương án {designs}.",
    "col.unit": "Mã",
    "col.name": "Xã, phường",
    "col.population": "Dân số",
    "col.area_km2": "Diện tích (km²)",
    "col.officers": "Công chức (định mức)",
    "col.backlog": "Tồn đọng trung bình",
    "col.on_time_rate": "Đúng hạn (%)",
    "col.utilisation": "Tỷ lệ sử dụng (%)",
    "daily.title": "Tồn đọng hằng ngày theo lĩnh vực: {name}",
    "daily.y": "Hồ sơ tồn đọng (quy mô đầy đủ, trung bình các lần chạy)",
    "daily.legend": "Lĩnh vực",
    "chart.download": "Tải về",
    "run.intro": "Chạy `govsim` ở chế độ nền, lưu vào `{dir}`. Chọn một số xã, phường **hoặc** quy mô nhỏ hơn "
    "1; lần chạy lớn hơn {limit:g} năm ở quy mô đầy đủ bị từ chối (hãy dùng dòng lệnh).",
    "run.tier": "Mô hình chính quyền",
    "run.quota": "Phương án biên chế",
    "run.communes": "Xã, phường (để trống: toàn Hà Nội)",
    "run.scale": "Quy mô (0-1]",
    "run.days": "Số ngày",
    "run.seed": "Seed",
    "run.button": "Chạy",
    "chart.drawing": "Đang vẽ biểu đồ…",
}

TEXT = {"en": _EN, "vi": {k: unicodedata.normalize("NFC", v) for k, v in _VI.items()}}


def T(lang: str, key: str, **kw) -> str:
    table = TEXT.get(lang, _EN)
    text = table[key] if key in table else label(lang if lang in TEXT else "en", key)
    return text.format(**kw) if kw else text
