"""`python -m sim` is `govsim`."""
from sim.cli import main

main()
