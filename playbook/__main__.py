"""``python -m playbook``: see :mod:`playbook.cli`."""

import sys

from playbook.cli import main

sys.exit(main())
