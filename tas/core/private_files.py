"""Files the service writes hold personal data (children's details in the database, names and
meetings in emails): they are readable by their owner only, mode 0600 and folders 0700,
whatever the umask of the process that makes them (docs/security.md H32, issue 11 section 5)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: str | os.PathLike) -> Path:
    """Make the folder (and any missing parents) owner-only; an existing folder is left as it
    is, since someone chose its mode (a shared /srv folder, a mounted volume)."""
    folder = Path(path)
    missing = []
    parent = folder
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for made in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            made.mkdir(mode=FOLDER_MODE)
        # mkdir's mode is reduced by the umask: set it exactly.
        os.chmod(made, FOLDER_MODE)
    return folder


def private_file(path: str | os.PathLike) -> Path:
    """Create the file empty and owner-only (0600) when it is missing; when it exists and is
    ours, take away any access of group and others (an older version may have made it).

    An existing file is never opened: it may be a SQLite database this process has open, and
    closing any descriptor of a file drops every lock the process holds on it (the SQLite
    documentation, "How To Corrupt An SQLite Database File", 2.2)."""
    target = Path(path)
    try:
        descriptor = os.open(target, os.O_RDONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        status = os.stat(target, follow_symlinks=False)
        mode = status.st_mode & 0o777
        if stat.S_ISREG(status.st_mode) and status.st_uid == os.getuid() and mode & 0o077:
            os.chmod(target, mode & 0o700)
        return target
    try:
        os.fchmod(descriptor, FILE_MODE)  # the umask may have taken bits away
    finally:
        os.close(descriptor)
    return target


def write_private(target: Path, data: bytes) -> None:
    """Write the file whole (readers never see half of it), owner-only from its first byte."""
    # mkstemp creates the file with mode 0600 and O_EXCL, whatever the umask.
    descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise
