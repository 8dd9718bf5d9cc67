"""``python -m ixm_cli``: the same command line as the ``ixm`` script."""

from __future__ import annotations

from ixm_cli.entry import main

if __name__ == "__main__":  # a spawned worker re-imports this module as __mp_main__
    main()
