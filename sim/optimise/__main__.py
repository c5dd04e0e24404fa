from sim.optimise.cli import main

main()
