"""Checks of the policy levers (conf/policy/), kept apart from sim/config.py."""
from __future__ import annotations

from sim.config import FIELDS, Config, ConfigError

LEVERS = ("delegate_signing", "online_2026", "location_independent", "semi_professional", "training", "added_posts")


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def _share(name: str, v) -> None:
    _check(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1,
           f"policy.{name} must be in [0, 1], got {v}")


def active_levers(cfg: Config) -> list[str]:
    """The levers switched on (an option chosen), in a fixed order."""
    return [name for name in LEVERS if getattr(cfg.policy, name) is not None]


def validate_policy(c: Config) -> None:
    p = c.policy
    if p.delegate_signing is not None:
        _share("delegate_signing.strength", p.delegate_signing.strength)
    if (o := p.online_2026) is not None:
        _share("online_2026.strength", o.strength)
        _share("online_2026.target_share", o.target_share)
        _check(o.target_share >= c.demand.online_share,
               f"policy.online_2026.target_share ({o.target_share}) is below demand.online_share ({c.demand.online_share})")
        _check(isinstance(o.ramp_months, int) and 0 <= o.ramp_months <= 120,
               f"policy.online_2026.ramp_months must be a whole number in 0..120, got {o.ramp_months}")
        _share("online_2026.online_desk_factor", o.online_desk_factor)
    if p.location_independent is not None:
        _share("location_independent.strength", p.location_independent.strength)
    if (s := p.semi_professional) is not None:
        _share("semi_professional.strength", s.strength)
        _check(s.residential_groups >= 1, f"policy.semi_professional.residential_groups must be >= 1, got {s.residential_groups}")
        _check(s.simple_effort_hours > 0, f"policy.semi_professional.simple_effort_hours must be > 0, got {s.simple_effort_hours}")
        _share("semi_professional.desk_share_taken", s.desk_share_taken)
        _share("semi_professional.incomplete_cut", s.incomplete_cut)
    if (t := p.training) is not None:
        _share("training.strength", t.strength)
        for f in t.fields:
            _check(f in FIELDS, f"policy.training.fields: unknown field {f!r}")
        _check(0 <= t.effort_cut < 1, f"policy.training.effort_cut must be in [0, 1), got {t.effort_cut}")
        _check(1 <= t.cross_field_penalty <= c.officer.cross_field_penalty,
               f"policy.training.cross_field_penalty must be in [1, officer.cross_field_penalty], got {t.cross_field_penalty}")
        _check(isinstance(t.ramp_months, int) and 0 <= t.ramp_months <= 120,
               f"policy.training.ramp_months must be a whole number in 0..120, got {t.ramp_months}")
    if (a := p.added_posts) is not None:
        _check(isinstance(a.strength, int) and 0 <= a.strength <= 100_000,
               f"policy.added_posts.strength must be a whole number of posts in 0..100000, got {a.strength}")
        _check(a.rule in ("workload", "optimiser"), f"policy.added_posts.rule must be workload or optimiser, got {a.rule!r}")
        _check(a.rule != "optimiser" or bool(a.file),
               "policy.added_posts.rule=optimiser needs policy.added_posts.file (an allocation from govsim-optimise)")


def policy_label(cfg: Config) -> str:
    """The levers in effect (strength > 0), joined by '+'; added posts with their number; 'none' when none."""
    parts = []
    for name in active_levers(cfg):
        strength = getattr(cfg.policy, name).strength
        if strength > 0:
            parts.append(f"added_posts={strength}" if name == "added_posts" else name)
    return "+".join(parts) or "none"
