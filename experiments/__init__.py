"""Calibration, validation and sensitivity analysis of govsim's defaults (issue 5)."""
