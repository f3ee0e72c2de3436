# The zipapp's entry. Any python3 (and 2.7) can parse this file, so an old one says what is
# needed instead of failing on newer syntax.
import sys

if sys.version_info < (3, 9):
    sys.stderr.write(
        "error: kubectl pidshare needs Python 3.9 or later, and %s is %d.%d: install a newer "
        "python3, or set PIDSHARE_PYTHON to one\n"
        % (sys.executable or "python3", sys.version_info[0], sys.version_info[1]))
    sys.exit(1)

from pidshare_boot import main

sys.exit(main())
