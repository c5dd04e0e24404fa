"""govsim-optimise: how many officers each commune should get, and a rule a decree can state (issue 12)."""
