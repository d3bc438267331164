"""The scanner page's static files, with content versions for their URLs and the offline cache.

Each URL carries a digest of the file (``?v=…``), so a phone never mixes an old script with a
new page, and the service worker's cache name changes exactly when one of the files does.
"""

import functools
import hashlib
from pathlib import Path

from flask import current_app, url_for

#: What the scanner page needs to start without a network, relative to the static folder.
SHELL_ASSETS = (
    "css/scanner.css",
    "js/scanner.js",
    "js/signature-pad.js",
    "vendor/jsqr/jsQR.js",
    "icons/scanner-192.png",
    "icons/scanner-512.png",
)


@functools.cache
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def file_version(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    stat = path.stat()
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


def asset_url(filename: str) -> str:
    """The URL of a static file with its content version."""
    return url_for("static", filename=filename, v=file_version(filename))


def shell_version() -> str:
    """One version for all the shell's files (names the service worker's cache)."""
    combined = "".join(f"{name}:{file_version(name)};" for name in SHELL_ASSETS)
    return hashlib.sha256(combined.encode()).hexdigest()[:12]
