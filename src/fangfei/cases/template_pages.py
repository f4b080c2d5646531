"""Pages: the administrator's document templates (文书模板) — download, replace, restore."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.cases import doc_templates, documents
from fangfei.deps import ActorDep, SessionDep
from fangfei.errors import FangfeiError, FieldProblem, invalid, not_found
from fangfei.web.render import download, render, show_refusal

router = APIRouter(include_in_schema=False)


def _context(db: SessionDep) -> dict[str, Any]:
    rows = [
        (kind, documents.DOCUMENT_KINDS[kind], documents.current_template(db, kind))
        for kind in documents.GENERATED_KINDS
    ]
    return {"rows": rows, "placeholders": doc_templates.PLACEHOLDERS}


def _kind(kind: str) -> str:
    if kind not in documents.GENERATED_KINDS:
        raise not_found("文书模板", kind)
    return kind


@router.get("/admin/templates")
def template_page(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Each generated document with the template in use and the placeholders it may contain."""
    policy.ensure(db, actor, "case.template")
    return render(request, "admin/templates.html", _context(db), actor=actor)


@router.get("/admin/templates/{kind}.docx")
def download_template(kind: str, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The template in use, to edit in Word."""
    policy.ensure(db, actor, "case.template")
    content = documents.read_template(db, request.app.state.settings.files_dir, _kind(kind))
    filename = f"{documents.DOCUMENT_KINDS[kind]}模板.docx"
    return download(content, filename, documents.DOCX_TYPE)


@router.post("/admin/templates/{kind}")
async def replace(kind: str, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Upload a replacement, or (``restore``) make the shipped default current again."""
    policy.ensure(db, actor, "case.template")
    form = await request.form()
    try:
        content = await _content(_kind(kind), form.get("restore") == "1", form.get("file"))
        documents.replace_template(db, actor=actor, kind=kind, content=content,
                                   files_root=request.app.state.settings.files_dir)  # fmt: skip
    except FangfeiError as error:
        show_refusal(db, error)
        return _page_with_error(request, db, actor, error)
    return RedirectResponse("/admin/templates", status_code=303)


async def _content(kind: str, restore: bool, upload: Any) -> bytes:
    if restore:
        return doc_templates.default_template(kind)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise invalid("请选择要上传的模板文件。", [FieldProblem("file", "未选择文件")])
    return await upload.read(doc_templates.MAX_TEMPLATE_BYTES + 1)


def _page_with_error(
    request: Request, db: SessionDep, actor: Actor, error: FangfeiError
) -> Response:
    context = {**_context(db), "error": error}
    return render(request, "admin/templates.html", context, actor=actor, status_code=error.status)
