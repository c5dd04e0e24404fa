"""Checks of `tier.historical` (three tiers as staffed before 01/7/2025), apart from sim/config.py for size."""
from __future__ import annotations

from sim.config import COMMUNE_CLASSES, FIELDS, HistoricalStaffing, _check, _is_int


def validate_historical(h: HistoricalStaffing) -> None:
    """One ConfigError line for the first bad value of tier.historical."""
    p = "tier.historical"
    for name in ("ward_posts", "ward_leaders", "ward_other_non_casework", "commune_other_non_casework",
                 "commune_population_standard", "district_leaders"):
        v = getattr(h, name)
        _check(_is_int(v) and v >= 0, f"{p}.{name} must be a whole number >= 0, got {v}")
    _check(h.ward_leaders + h.ward_other_non_casework <= h.ward_posts,
           f"{p}: ward_leaders + ward_other_non_casework exceed ward_posts ({h.ward_posts})")
    for name in ("ward_field_posts", "commune_field_mix"):
        mix = getattr(h, name)
        _check(bool(mix) and all(f in FIELDS for f in mix), f"{p}.{name} must map fields ({', '.join(FIELDS)}) "
               f"to posts, got {dict(mix)}")
        _check(all(v >= 0 for v in mix.values()) and sum(mix.values()) > 0, f"{p}.{name} must be >= 0, not all 0")
    casework = h.ward_posts - h.ward_leaders - h.ward_other_non_casework
    _check(abs(sum(h.ward_field_posts.values()) - casework) < 0.01,
           f"{p}.ward_field_posts add up to {sum(h.ward_field_posts.values()):g}, not the {casework} casework posts "
           f"of a ward (ward_posts - ward_leaders - ward_other_non_casework)")
    _check(h.ward_deployment in ("per_ward", "district_secondment"),
           f"{p}.ward_deployment must be per_ward or district_secondment, got {h.ward_deployment!r}")
    _check(h.ward_secondment_above > 0, f"{p}.ward_secondment_above must be > 0, got {h.ward_secondment_above}")
    _check(_is_int(h.ward_min_per_field) and h.ward_min_per_field >= 0,
           f"{p}.ward_min_per_field must be a whole number >= 0, got {h.ward_min_per_field}")
    _check(h.commune_class in COMMUNE_CLASSES, f"{p}.commune_class must be I, II or III, got {h.commune_class!r}")
    for name in ("commune_posts", "commune_civil_servants", "commune_leaders"):
        table = getattr(h, name)
        _check(set(table) == set(COMMUNE_CLASSES) and all(_is_int(v) and v >= 0 for v in table.values()),
               f"{p}.{name} must give a whole number >= 0 for each class I, II, III, got {dict(table)}")
    for k in COMMUNE_CLASSES:
        _check(h.commune_civil_servants[k] + h.commune_leaders[k] <= h.commune_posts[k],
               f"{p}: class {k} civil servants + leaders exceed its posts ({h.commune_posts[k]})")
        _check(h.commune_civil_servants[k] >= h.commune_other_non_casework,
               f"{p}: class {k} has fewer civil servants than commune_other_non_casework")
    _check(_is_int(h.town_population_standard) and h.town_population_standard > 0 and h.commune_population_standard > 0,
           f"{p}: population standards must be whole numbers > 0")
    _check(h.commune_area_standard_km2 > 0 and h.town_area_standard_km2 > 0, f"{p}: area standards must be > 0")
    _check(h.extra_per_population_share > 0 and h.extra_per_area_share > 0,
           f"{p}: extra_per_population_share and extra_per_area_share must be > 0")
    _check(h.staff_per_division >= 0, f"{p}.staff_per_division must be >= 0, got {h.staff_per_division}")
    _check(h.district_split in ("uniform", "population"),
           f"{p}.district_split must be uniform or population, got {h.district_split!r}")
    _check(bool(h.district_divisions), f"{p}.district_divisions is empty")
    for kind, divisions in h.district_divisions.items():
        for d in divisions:
            _check(h.division_field.get(d) in FIELDS,
                   f"{p}.division_field: division {d!r} ({kind}) needs a field ({', '.join(FIELDS)})")
