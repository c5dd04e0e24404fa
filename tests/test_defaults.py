"""One home for each default: values in conf/*.yaml, types in sim/config.py (every field MISSING).

The check compares the schema with the config composed for every option of every config group, so a
value written in both places (the same or, worse, different) and a setting left without a value both fail.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf

from sim.config import Config, config_dir

GROUPS = ("tier", "quota", "catalogue", "timeline")  # groups every scenario picks one option of (not +experiment)


def group_options() -> list[list[str]]:
    conf = Path(config_dir())
    return [[f"{g}={p.stem}" for p in sorted((conf / g).glob("*.yaml"))] for g in GROUPS]


def composed_configs() -> dict[str, DictConfig]:
    """The raw composed config (schema + YAML, not validated) for every combination of group options."""
    out = {}
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(config_dir()), version_base=None):
        for combo in itertools.product(*group_options()):
            out[" ".join(combo)] = hydra_compose(config_name="config", overrides=list(combo))
    GlobalHydra.instance().clear()
    return out


def leaves(node: DictConfig, prefix: str = ""):
    """(dotted key, value or None when MISSING) for every leaf of a config; sections are walked into."""
    for key in node:
        path = f"{prefix}{key}"
        if OmegaConf.is_missing(node, key):
            yield path, None
        elif isinstance(node[key], DictConfig) and OmegaConf.get_type(node, key) is not dict:
            yield from leaves(node[key], path + ".")
        else:
            yield path, OmegaConf.to_container(node[key]) if OmegaConf.is_config(node[key]) else node[key]


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def default_problems(schema: DictConfig, configs: dict[str, DictConfig]) -> list[str]:
    """Every way the schema and the YAML defaults fail to keep one home per default."""
    problems = []
    for key, value in leaves(schema):
        if value is None:
            continue
        for combo, cfg in configs.items():
            yaml_value = OmegaConf.select(cfg, key, throw_on_missing=False)
            if yaml_value != value and OmegaConf.to_container(OmegaConf.create({"v": yaml_value}))["v"] != value:
                problems.append(f"{key}: schema default {_short(value)} disagrees with conf's {_short(yaml_value)} ({combo})")
                break
        else:
            problems.append(f"{key}: schema repeats conf's value {_short(value)}; keep it in conf/ only (= MISSING)")
    for combo, cfg in configs.items():
        problems += [f"{key}: no value in conf/ ({combo})" for key in sorted(OmegaConf.missing_keys(cfg))]
    return problems


@pytest.fixture(scope="module")
def configs():
    return composed_configs()


def test_every_group_option_is_composed(configs):
    assert len(configs) == 2 * 3 * 1 * 2 and all("tier=" in c for c in configs)  # tiers, quotas, catalogue, timelines


def test_one_home_for_each_default(configs):
    problems = default_problems(OmegaConf.structured(Config), configs)
    assert not problems, "\n".join(problems)


def test_check_fails_when_schema_and_yaml_disagree(configs):
    """The check can fail: a schema default that differs from conf (as before issue 14: 4.0 vs 3.65)."""
    schema = OmegaConf.structured(Config)
    schema.officer.casework_hours_per_day = 4.0
    schema.complaints.letters_per_year = 77600.0
    problems = default_problems(schema, configs)
    conf_value = next(iter(configs.values())).officer.casework_hours_per_day
    assert any(p.startswith(f"officer.casework_hours_per_day: schema default 4.0 disagrees with conf's {conf_value}")
               for p in problems), problems
    assert any(p.startswith("complaints.letters_per_year: schema default 77600.0") for p in problems), problems


def test_check_fails_when_schema_repeats_a_value(configs):
    schema = OmegaConf.structured(Config)
    schema.run.days = 365
    assert default_problems(schema, configs) == [
        "run.days: schema repeats conf's value 365; keep it in conf/ only (= MISSING)"]


def test_check_fails_when_conf_lacks_a_value(configs):
    broken = {combo: cfg.copy() for combo, cfg in configs.items()}
    for cfg in broken.values():
        cfg.tier.department_floor = "???"
    problems = default_problems(OmegaConf.structured(Config), broken)
    assert len(problems) == len(broken) and all(p.startswith("tier.department_floor: no value") for p in problems)
