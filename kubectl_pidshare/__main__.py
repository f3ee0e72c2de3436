"""`python -m kubectl_pidshare`: the same as the `kubectl-pidshare` command."""

import sys

from kubectl_pidshare.launch import main

sys.exit(main())
