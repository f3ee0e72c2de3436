"""`python -m kubectl_pidshare`: the same as the `kubectl-pidshare` command."""

from kubectl_pidshare.cli import main

main()
