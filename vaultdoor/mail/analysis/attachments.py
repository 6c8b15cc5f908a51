"""Attachments: names, types, and what is inside archives, read safely from bytes."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

__all__ = ["Attachment", "inspect_archive", "sniff_executable"]

MAX_ARCHIVE_BYTES = 25 * 1024 * 1024  # a bigger archive is listed as not inspected
MAX_MEMBERS = 1000
MAX_NESTING = 2  # zip inside zip inside zip: deeper is reported, not opened

_ZIP_NAMES = re.compile(r"\.(zip|jar|docx|xlsx|pptx|docm|xlsm|pptm|odt|ods|epub)$", re.IGNORECASE)


@dataclass(slots=True)
class Attachment:
    """One attached (or inline, named) part of a message."""

    filename: str
    content_type: str
    size: int
    members: list[str] = field(default_factory=list)  # names inside an archive, nested as a/b
    archive: bool = False
    unreadable: str = ""  # why an archive could not be listed (corrupt, encrypted, too big)
    executable_magic: bool = False
    html: str = ""  # decoded text of an HTML or SVG attachment, for form and script checks
    text: str = ""  # decoded text of a small text/plain attachment (filter notices live there)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "filename": self.filename, "content_type": self.content_type, "size": self.size,
        }
        if self.members:
            data["members"] = self.members
        if self.unreadable:
            data["unreadable"] = self.unreadable
        return data


def sniff_executable(data: bytes) -> bool:
    """Whether bytes start like a Windows, Linux or macOS program, whatever the file is called."""
    head = data[:4]
    return (
        head[:2] == b"MZ"
        or head == b"\x7fELF"
        or head in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
    )


def is_zip_name(filename: str, content_type: str) -> bool:
    return bool(_ZIP_NAMES.search(filename)) or content_type in {
        "application/zip", "application/x-zip-compressed", "application/x-zip",
    }


def inspect_archive(data: bytes, *, depth: int = 0) -> tuple[list[str], str]:
    """Member names of a zip archive (and of zips inside it), and why listing stopped if it did.

    Only the central directory is read, plus nested zips up to ``MAX_NESTING`` levels and
    ``MAX_ARCHIVE_BYTES``: a zip bomb costs nothing here.
    """
    if len(data) > MAX_ARCHIVE_BYTES:
        return [], "too large to inspect"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return [], "corrupt or not a zip archive"
    names: list[str] = []
    problem = ""
    with archive:
        for info in archive.infolist()[:MAX_MEMBERS]:
            names.append(info.filename)
            if info.flag_bits & 0x1:
                problem = "encrypted"
            if (
                depth < MAX_NESTING
                and info.filename.lower().endswith(".zip")
                and info.file_size <= MAX_ARCHIVE_BYTES
                and info.compress_size <= MAX_ARCHIVE_BYTES
                and not info.flag_bits & 0x1
            ):
                try:
                    inner = archive.read(info)
                except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError,
                        RuntimeError):
                    problem = problem or "corrupt member"
                    continue
                inner_names, inner_problem = inspect_archive(inner, depth=depth + 1)
                names.extend(f"{info.filename}/{n}" for n in inner_names)
                problem = problem or inner_problem
    return names, problem
