"""Files of prometheus_client's multiprocess mode, shared by gunicorn and Celery on one host.

Kept free of prometheus_client imports: gunicorn's master calls this before
any worker exists and must not create metric files of its own.
"""

import os
import re
from pathlib import Path

_PID = re.compile(r"_(\d+)\.db$")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def remove_dead_process_files(directory: Path) -> list[Path]:
    """Delete the .db files of processes that no longer run; return what was deleted."""
    removed = []
    for path in Path(directory).glob("*.db"):
        match = _PID.search(path.name)
        if match is None or not pid_alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
