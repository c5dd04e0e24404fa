"""The schema of the policy levers (conf/policy/), part of sim/config.py's `Config` (the same rules: every
field `= MISSING`, values and source tags in conf/policy/*.yaml; checks in sim/config_policy.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from omegaconf import MISSING


# Policy levers (conf/policy/*.yaml, composable: policy=[a,b]). A lever that is off is null; an option's
# file gives all its fields. Each `strength` can be swept; 0 leaves the run as the baseline.
@dataclass
class DelegateSigningLever:
    strength: float = MISSING            # share of certification dossiers whose signing is delegated


@dataclass
class Online2026Lever:
    strength: float = MISSING            # share of the gap to target_share closed at the end of the ramp
    target_share: float = MISSING
    ramp_months: int = MISSING           # months from run.start_date to reach the target
    online_desk_factor: float = MISSING  # an online dossier's desk check, as a share of an in-person one


@dataclass
class LocationIndependentLever:
    strength: float = MISSING            # share of eligible dossiers whose filers go to the least loaded neighbour


@dataclass
class SemiProfessionalLever:
    strength: float = MISSING            # share of residential groups with a helper
    residential_groups: int = MISSING
    simple_effort_hours: float = MISSING  # a procedure is simple if its effort_hours is at most this
    desk_share_taken: float = MISSING    # share of a simple dossier's desk check the helper does
    incomplete_cut: float = MISSING      # share of incomplete simple dossiers the helper catches before filing


@dataclass
class TrainingLever:
    strength: float = MISSING            # share of the full effect reached once phased in
    fields: List[str] = MISSING          # fields whose specialist effort falls
    effort_cut: float = MISSING          # fall of specialist effort in those fields, fully phased in
    cross_field_penalty: float = MISSING  # the penalty once phased in (from officer.cross_field_penalty)
    ramp_months: int = MISSING


@dataclass
class AddedPostsLever:
    strength: int = MISSING              # posts added to the communes, at full scale
    rule: str = MISSING                  # workload | optimiser: one by one, D'Hondt on expected hours or on the file's officers
    file: str = MISSING                  # rule optimiser: an allocation (govsim-optimise's allocation.csv, or any quota file)


@dataclass
class PolicyConfig:
    delegate_signing: Optional[DelegateSigningLever] = MISSING
    online_2026: Optional[Online2026Lever] = MISSING
    location_independent: Optional[LocationIndependentLever] = MISSING
    semi_professional: Optional[SemiProfessionalLever] = MISSING
    training: Optional[TrainingLever] = MISSING
    added_posts: Optional[AddedPostsLever] = MISSING
