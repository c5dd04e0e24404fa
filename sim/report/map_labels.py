"""The strings of the maps (merged into ``labels.LABELS``; the same keys in both languages)."""

from __future__ import annotations

MAP_EN: dict[str, str] = {
    "map.all.title": "Maps",
    "map.apportioned": "(put on today's communes)",
    "map.three_tier_note": "Three-tier panels: results of the pre-reform communes and districts (in force until "
    "30/6/2025), put on today's 126 communes by the share of each unit's residents who now live there.",
    "map.no_data": "Grey: no value (commune not simulated).",
    "map.source": "Boundaries: thanglequoc/vietnamese-provinces-database, MIT © 2021 Thang Le Quoc, from the "
    "Vietnam Administrative Units Reference Map (sapnhap.bando.com.vn), Vietnam Natural Resources, Environment "
    "and Cartography Publishing House.",
    "map.backlog_per_1000.title": "Open requests per 1,000 residents, by commune",
    "map.backlog_per_1000.cbar": "Open requests per 1,000 residents\n(mean over days and seeds)",
    "map.on_time_rate.title": "On-time rate of the dossiers filed in each commune",
    "map.on_time_rate.cbar": "Resolved on time, incl. early (%)",
    "map.utilisation.title": "Officer utilisation by commune",
    "map.utilisation.cbar": "Busy / available officer hours (%)",
    "map.officers_per_10k.title": "Casework officers per 10,000 residents",
    "map.officers_per_10k.cbar": "Officers per 10,000 residents\n(full-scale quota)",
    "map.difference.title": "Where the backlog changes: paired difference between designs",
    "map.difference.cbar": "Difference in open requests\nper 1,000 residents",
    "map.difference.note": "Coloured where the 95% CI of the paired difference over seeds excludes zero, "
    "hatched where it does not. Red: more open requests per 1,000 residents under the first design.",
    "map.officer_change.title": "Officers gained and lost against the uniform quota",
    "map.officer_change.cbar": "Officers gained (+) or lost (−)",
    "doc.map_backlog": "Each commune is coloured by its open requests per 1,000 residents, averaged over "
    "working days and seeds (n = {seeds}; full scale). Values range from {lo} to {hi}. Most loaded communes per "
    "design: {list}.",
    "doc.map_on_time": "Share of the dossiers filed in each commune that were resolved on time or early, mean "
    "over seeds (n = {seeds}). Values range from {lo} to {hi}. Lowest on-time rates per design: {list}.",
    "doc.map_utilisation": "Busy over available hours of the officers serving each commune, mean over seeds "
    "(n = {seeds}). Values range from {lo} to {hi}. Most stretched communes per design: {list}.",
    "doc.map_officers": "Casework officers per 10,000 residents under each design's quota (full scale). "
    "Values range from {lo} to {hi}. Fewest officers per resident, per design: {list}.",
    "doc.map_difference": "Paired differences over seeds in open requests per 1,000 residents. {list}",
    "doc.map_difference_item": "{a} against {b}: higher in {up} communes, lower in {down}, not "
    "distinguishable from zero in {ns} (95% CI over {n} paired seeds). Largest significant changes: {top}.",
    "doc.map_officer_change": "Casework officers (full scale) per commune under each quota minus the uniform "
    "quota of the same tier. {list}",
    "doc.map_officer_change_item": "{a} against {b}: {up} communes gain officers and {down} lose them. "
    "Largest changes: {top}.",
}

MAP_VI: dict[str, str] = {
    "map.all.title": "Bản đồ",
    "map.apportioned": "(quy về xã, phường hiện nay)",
    "map.three_tier_note": "Ô ba cấp: kết quả của các xã, phường, thị trấn và quận, huyện trước sắp xếp (đơn vị "
    "hành chính đến 30/6/2025), quy về 126 xã, phường hiện nay theo tỷ lệ dân số của mỗi đơn vị nay thuộc xã, "
    "phường đó.",
    "map.no_data": "Màu xám: không có số liệu (xã, phường không được mô phỏng).",
    "map.source": "Ranh giới: thanglequoc/vietnamese-provinces-database, giấy phép MIT © 2021 Thang Le Quoc, "
    "theo Bản đồ tham chiếu đơn vị hành chính Việt Nam (sapnhap.bando.com.vn), Nhà xuất bản Tài nguyên – Môi "
    "trường và Bản đồ Việt Nam.",
    "map.backlog_per_1000.title": "Hồ sơ tồn đọng trên 1.000 dân theo xã, phường",
    "map.backlog_per_1000.cbar": "Hồ sơ tồn đọng trên 1.000 dân\n(trung bình theo ngày và các lần chạy)",
    "map.on_time_rate.title": "Tỷ lệ đúng hạn của hồ sơ nộp tại mỗi xã, phường",
    "map.on_time_rate.cbar": "Giải quyết đúng hạn, gồm trước hạn (%)",
    "map.utilisation.title": "Tỷ lệ sử dụng nhân lực theo xã, phường",
    "map.utilisation.cbar": "Giờ làm việc / giờ có mặt của công chức (%)",
    "map.officers_per_10k.title": "Số công chức chuyên môn trên 10.000 dân",
    "map.officers_per_10k.cbar": "Công chức trên 10.000 dân\n(định mức đầy đủ)",
    "map.difference.title": "Tồn đọng thay đổi ở đâu: chênh lệch ghép cặp giữa các phương án",
    "map.difference.cbar": "Chênh lệch hồ sơ tồn đọng\ntrên 1.000 dân",
    "map.difference.note": "Chỉ tô màu nơi khoảng tin cậy 95% của chênh lệch ghép cặp theo seed không chứa 0; "
    "gạch chéo ở nơi còn lại. Đỏ: phương án thứ nhất có nhiều hồ sơ tồn đọng trên 1.000 dân hơn.",
    "map.officer_change.title": "Số công chức tăng, giảm so với biên chế đồng đều",
    "map.officer_change.cbar": "Công chức tăng (+) hoặc giảm (−)",
    "doc.map_backlog": "Mỗi xã, phường được tô màu theo số hồ sơ tồn đọng trên 1.000 dân, trung bình theo ngày "
    "làm việc và {seeds} lần chạy (quy mô đầy đủ). Giá trị từ {lo} đến {hi}. Các xã, phường chịu tải nặng nhất "
    "theo phương án: {list}.",
    "doc.map_on_time": "Tỷ lệ hồ sơ nộp tại mỗi xã, phường được giải quyết đúng hạn hoặc trước hạn, trung bình "
    "qua {seeds} lần chạy. Giá trị từ {lo} đến {hi}. Tỷ lệ đúng hạn thấp nhất theo phương án: {list}.",
    "doc.map_utilisation": "Tỷ lệ giờ làm việc trên giờ có mặt của công chức phục vụ mỗi xã, phường, trung bình "
    "qua {seeds} lần chạy. Giá trị từ {lo} đến {hi}. Các xã, phường quá tải nhất theo phương án: {list}.",
    "doc.map_officers": "Số công chức chuyên môn trên 10.000 dân theo định mức của từng phương án (quy mô đầy "
    "đủ). Giá trị từ {lo} đến {hi}. Ít công chức trên đầu người nhất theo phương án: {list}.",
    "doc.map_difference": "Chênh lệch ghép cặp theo seed của số hồ sơ tồn đọng trên 1.000 dân. {list}",
    "doc.map_difference_item": "{a} so với {b}: cao hơn ở {up} xã, phường, thấp hơn ở {down}, không khác 0 "
    "có ý nghĩa ở {ns} (KTC 95% qua {n} cặp seed). Thay đổi có ý nghĩa lớn nhất: {top}.",
    "doc.map_officer_change": "Số công chức chuyên môn (quy mô đầy đủ) mỗi xã, phường theo từng phương án biên "
    "chế trừ đi phương án biên chế đồng đều cùng mô hình chính quyền. {list}",
    "doc.map_officer_change_item": "{a} so với {b}: {up} xã, phường được tăng công chức, {down} bị giảm. "
    "Thay đổi lớn nhất: {top}.",
}
