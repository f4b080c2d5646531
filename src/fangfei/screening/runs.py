"""筛查记录 — a screening run recorded with the checksums of its input and of the rules used.

Every batch screening that reaches the ledger is recorded: registry imports and rescreens of the
enterprises (``supervision``), and files screened from the command line with ``--record``
(registries, promotional texts, loans). A run names its kind, its input and the input's sha256,
the rule file in force (version and sha256), how many items were screened and how many hit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth.roles import Actor
from fangfei.screening.lexicon import data_sha256, load_yaml
from fangfei.screening.models import ScreeningRun
from fangfei.tables import file_sha256

RULES = {  # kind → the rule file it screens with
    "registry_import": "names.yaml",
    "enterprises": "names.yaml",
    "registry_file": "names.yaml",
    "text_files": "texts.yaml",
    "loan_files": "lending.yaml",
}


def path_sha256(path: Path) -> str:
    """A file's sha256; for a folder, the sha256 of its files' relative names and sha256s."""
    if path.is_file():
        return file_sha256(path)
    digest = hashlib.sha256()
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{item.relative_to(path).as_posix()}\0{file_sha256(item)}\n".encode())
    return digest.hexdigest()


def record(
    db: Session, actor: Actor, kind: str, input_name: str, input_sha256: str, rows: int,
    flagged: int, *, audited: bool = True,
) -> ScreeningRun:  # fmt: skip
    """Record a run; its audit row, unless the caller's own row covers it (an import's)."""
    rules = RULES[kind]
    run = ScreeningRun(
        kind=kind, input_name=input_name[:255], input_sha256=input_sha256,
        lexicon_version=int(load_yaml(rules).get("version", 0)), lexicon_sha256=data_sha256(rules),
        rows=rows, flagged=flagged, actor_name=actor.label,
    )  # fmt: skip
    db.add(run)
    db.flush()
    if audited:
        audit.record(db, actor=actor, action="screening.run", object_type="screening_run",
                     object_id=run.id, detail={"kind": kind, "input": run.input_name,
                                               "input_sha256": input_sha256, "rows": rows,
                                               "flagged": flagged})  # fmt: skip
    return run


def record_files(
    db: Session, *, actor: Actor, kind: str, path: Path, rows: int, flagged: int
) -> ScreeningRun:
    """Record the screening of a file or folder given on the command line (``--record``)."""
    return record(db, actor, kind, path.name, path_sha256(path), rows, flagged)
