"""``python -m errcat``: the same as the ``errcat`` command."""

import sys

from errcat.cli import main

sys.exit(main())
