"""The test session as a whole: the example adapter distribution is installed for it.

examples/leafline-adapter is a vendor's package; its kit test needs it registered under the
entry-point group ``pos_transactions.adapters``.  Rather than pip-installing it into the
environment, the session writes its dist-info (METADATA and entry_points.txt, from the
example's own setup.cfg) into a temporary folder and puts that folder and the example's
at the front of sys.path, as an installation would.
"""

import importlib
import shutil
import sys
import tempfile
from pathlib import Path

from pos_transactions.testing import write_dist_info_from_setup_cfg

EXAMPLE = Path(__file__).parent / "examples" / "leafline-adapter"


def pytest_configure(config) -> None:
    site = Path(tempfile.mkdtemp(prefix="pos-transactions-examples-"))
    write_dist_info_from_setup_cfg(site, EXAMPLE / "setup.cfg")
    added = [str(site), str(EXAMPLE)]
    sys.path[:0] = added
    importlib.invalidate_caches()

    def uninstall() -> None:
        for path in added:
            sys.path.remove(path)
        importlib.invalidate_caches()
        shutil.rmtree(site, ignore_errors=True)

    config.add_cleanup(uninstall)
