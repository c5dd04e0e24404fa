#!/usr/bin/env bash
# The commune maps of the full-scale tier_x_quota sweep, in English and Vietnamese.
#
#   scripts/maps_tier_x_quota.sh [SWEEP_DIR] [SEEDS]
#
# SWEEP_DIR defaults to results/sweeps/maps_tier_x_quota, SEEDS to 0,1 (the difference map needs at least
# two seeds per design: with one seed it is listed as not drawn). Each seed is 5 full-scale one-year runs
# (about 5 min on a quiet 2-core machine), run one at a time. Runs already finished in SWEEP_DIR with the
# same config are skipped, so adding seeds later only runs the new ones. Set COPY=1 to copy the two
# README maps into docs/figures/.
set -euo pipefail
cd "$(dirname "$0")/.."
sweep="${1:-results/sweeps/maps_tier_x_quota}"
seeds="${2:-0,1}"
govsim -m +experiment=tier_x_quota "run.seed=${seeds}" hydra.launcher.n_jobs=1 "hydra.sweep.dir=${sweep}"
govsim-report "$sweep" --out "$sweep/report"
govsim-report "$sweep" --out "$sweep/report_vi" --lang vi
ls "$sweep"/report/figures/map_*.png
if [[ "${COPY:-0}" == 1 ]]; then
  cp "$sweep/report/figures/map_backlog.png" "$sweep/report/figures/map_difference.png" docs/figures/
fi
