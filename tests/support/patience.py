"""How long a test waits for another process or thread to get somewhere (start listening,
finish a request, stop) before it calls it stuck.

A wait ends as soon as the progress is seen, so a generous limit costs nothing on an idle
machine; on a loaded one (CI may share its cores, at a load of 6 on 2) a process can take many
seconds to start. ``RADAR_TEST_PATIENCE`` changes it.
"""

from __future__ import annotations

import os

PATIENCE = float(os.environ.get("RADAR_TEST_PATIENCE", "120"))
