"""Checksums of an index generation's files: written last when a generation is built, checked when
it is opened, so a truncated, deleted or altered file is found before it is served."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection
from pathlib import Path

CHECKSUMS = "checksums.json"
_BLOCK = 1024 * 1024


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder: Path, skip: Collection[str] = ()) -> None:
    """Record the size and SHA-256 of every file in ``folder`` but those named in ``skip``; the
    record appears at once (written aside, then renamed), so a folder with it is complete."""
    files = {
        path.name: [path.stat().st_size, file_sha256(path)]
        for path in sorted(Path(folder).iterdir())
        if path.is_file()
        and path.name != CHECKSUMS
        and path.name not in skip
        and not path.name.startswith(".")
    }
    scratch = Path(folder) / f".{CHECKSUMS}.tmp"
    scratch.write_text(json.dumps({"files": files}), encoding="utf-8")
    os.replace(scratch, Path(folder) / CHECKSUMS)


def has_checksums(folder: Path) -> bool:
    return (Path(folder) / CHECKSUMS).is_file()


def verify_generation(folder: Path) -> list[str]:
    """What is wrong with ``folder``'s files, one line each ("chunks.json: truncated (10 of 52
    bytes)"); empty when every file is there with the size and content it was written with."""
    folder = Path(folder)
    try:
        recorded = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))["files"]
        expected = {str(name): (int(size), str(sha)) for name, (size, sha) in recorded.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return [f"{CHECKSUMS}: missing or unreadable ({type(error).__name__})"]
    problems = []
    for name, (size, sha) in sorted(expected.items()):
        path = folder / name
        try:
            actual = path.stat().st_size
        except OSError:
            problems.append(f"{name}: missing")
            continue
        if actual != size:
            change = "truncated" if actual < size else "grown"
            problems.append(f"{name}: {change} ({actual} of {size} bytes)")
            continue
        try:
            same = file_sha256(path) == sha
        except OSError as error:
            problems.append(f"{name}: unreadable ({type(error).__name__})")
            continue
        if not same:
            problems.append(f"{name}: content differs from its checksum")
    return problems
