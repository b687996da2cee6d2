"""Walk the knowledge folder: every file that might be a document, with its path relative to the folder."""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FoundFile:
    source: str  # POSIX path relative to the root
    path: Path
    size: int
    mtime: float


def discover(root: Path, ignore: list[str]) -> list[FoundFile]:
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(root).as_posix()
        if is_ignored(rel, ignore):
            continue
        st = path.stat()
        found.append(FoundFile(rel, path, st.st_size, st.st_mtime))
    return found


def is_ignored(rel: str, ignore: list[str]) -> bool:
    """Hidden files and folders, and names matching an ignore pattern, are not partnership documents."""
    name = rel.rsplit("/", 1)[-1]
    return (any(part.startswith(".") for part in rel.split("/"))
            or any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(name, pat) for pat in ignore))


def sha256_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
