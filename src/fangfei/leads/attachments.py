"""Lead attachments: accepted types checked by their content, a size limit, stored by sha256.

A file is accepted only if its extension is one of the allowed kinds *and* its first bytes are
what that kind starts with, so a script renamed to ``.jpg`` is refused. Files are stored once under
``<home>/files/leads/<sha256[:2]>/<sha256>``; the database row keeps the original name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from fangfei.errors import FangfeiError, FieldProblem, invalid

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
# A form may carry at most this much: every file at its limit plus the text fields.
MAX_REQUEST_BYTES = MAX_FILES * MAX_BYTES + 1024 * 1024

_OOXML = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# extension → (content type, accepted leading bytes)
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _OOXML),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _OOXML),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _OOXML),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    "wav": ("audio/wav", (b"RIFF",)),
    "m4a": ("audio/mp4", (b"\x00\x00\x00",)),
    "amr": ("audio/amr", (b"#!AMR",)),
}
ACCEPTED_LABEL = "图片（jpg、png、gif、webp）、PDF、Office 文档（doc、docx、xls、xlsx、pptx）、录音（mp3、wav、m4a、amr）"


@dataclass(frozen=True)
class Upload:
    """A file as received: its name and its bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class StoredFile:
    """A checked and stored attachment."""

    filename: str
    content_type: str
    size: int
    sha256: str


def _clean_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip()
    return name[:255] or "附件"


def check(upload: Upload, field: str = "attachments") -> tuple[str, str]:
    """The cleaned name and content type of an acceptable file; ``invalid`` naming why not."""
    name = _clean_name(upload.filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    problem = None
    if extension not in KINDS:
        problem = f"“{name}”的类型不在允许范围内；允许：{ACCEPTED_LABEL}"
    elif not upload.content:
        problem = f"“{name}”是空文件"
    elif len(upload.content) > MAX_BYTES:
        problem = f"“{name}”超过 {MAX_BYTES // (1024 * 1024)} MB"
    elif not upload.content.startswith(KINDS[extension][1]):
        problem = f"“{name}”的内容与扩展名 .{extension} 不符"
    if problem:
        raise invalid("附件不能接收。", [FieldProblem(field, problem)])
    return name, KINDS[extension][0]


def check_request_size(content_length: str | None) -> None:
    """Refuse a form larger than any acceptable one before reading it (header-declared size)."""
    if content_length and content_length.isdigit() and int(content_length) > MAX_REQUEST_BYTES:
        raise FangfeiError(
            "too_large",
            f"提交的内容过大：附件每个不超过 {MAX_BYTES // (1024 * 1024)} MB，最多 {MAX_FILES} 个。",
            413,
        )


def check_all(uploads: list[Upload]) -> None:
    """Refuse the whole set when there are too many files or any file is unacceptable."""
    if len(uploads) > MAX_FILES:
        raise invalid("附件太多。", [FieldProblem("attachments", f"一次最多 {MAX_FILES} 个附件")])
    for upload in uploads:
        check(upload)


def store(root: Path, upload: Upload) -> StoredFile:
    """Check and store one file under ``root`` by its checksum (written once)."""
    name, content_type = check(upload)
    digest = hashlib.sha256(upload.content).hexdigest()
    target = path_of(root, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(upload.content)
        partial.replace(target)
    return StoredFile(name, content_type, len(upload.content), digest)


def path_of(root: Path, sha256: str) -> Path:
    """Where a stored attachment lives."""
    return root / "leads" / sha256[:2] / sha256
