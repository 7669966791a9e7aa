"""``python -m hypergraph.plot RUN_DIR [--out DIR]``."""

from hypergraph.plot import main

raise SystemExit(main())
