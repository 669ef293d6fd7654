"""Counterfoil: `python main.py` opens the window; `python main.py COMMAND …` runs the CLI."""

import multiprocessing
import sys

from app.entry import main

if __name__ == "__main__":
    # PDF batches use spawned worker processes; a frozen build must let them start.
    multiprocessing.freeze_support()
    sys.exit(main())
