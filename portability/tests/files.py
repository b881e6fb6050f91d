"""Files to import, built in memory."""

import io
import zipfile


def zip_of(files: dict[str, bytes]) -> bytes:
    """A deflated zip holding these members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
