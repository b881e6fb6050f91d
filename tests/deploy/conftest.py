import os
import shutil

import pytest


def require_tool(name: str, package: str) -> str:
    """The path of a system tool the test drives; outside CI a missing one skips with the reason."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )
    if path is None:
        if os.environ.get("CI"):
            raise FileNotFoundError(f"{name} is missing: .ci/run installs {package}")
        pytest.skip(f"{name} is not installed (apt-get install {package})")
    return path
