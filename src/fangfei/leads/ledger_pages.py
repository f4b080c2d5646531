"""Pages: the ledger view (Attachment 2 or 6) with filters, and its Excel export."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from fangfei.auth import policy
from fangfei.clock import local_today
from fangfei.deps import ActorDep, SessionDep
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.leads import ledger, ledger_xlsx
from fangfei.leads.ledger_import import import_ledger
from fangfei.leads.pages import labels
from fangfei.leads.schemas import LeadFilter
from fangfei.reference import service as reference
from fangfei.web.render import download, render

router = APIRouter(include_in_schema=False)
Layout = Literal["a2", "a6"]
PER_PAGE = 100  # the page shows the ledger a hundred rows at a time; the export holds them all


@router.get("/ledger")
def ledger_view(
    request: Request,
    db: SessionDep,
    actor: ActorDep,
    filters: Annotated[LeadFilter, Query()],
    layout: Layout = "a2",
) -> Response:
    """The ledger as it will be exported, for the filters and period chosen, page by page."""
    offset = (filters.page - 1) * PER_PAGE
    leads = ledger.ledger_leads(db, actor=actor, layout=layout, period=filters.period,
                                filters=filters, limit=PER_PAGE + 1, offset=offset)  # fmt: skip
    more = len(leads) > PER_PAGE
    leads = leads[:PER_PAGE]
    names = ledger.Names.load(db)
    context = {
        **labels(db),
        "layout": layout,
        "filters": filters,
        "columns": ledger.A2_COLUMNS if layout == "a2" else ledger.A6_COLUMNS,
        # each row with its lead, which the row's number links to
        "groups": [(title, [(lead.id, ledger.a2_row(lead, names)) for lead in members])
                   for title, members in ledger.grouped(db, leads)] if layout == "a2" else [],
        "rows": [(lead.id, ledger.a6_row(lead, names)) for lead in leads] if layout == "a6" else [],
        "domains": reference.items(db, "industry_domain"),
        "jurisdictions": reference.jurisdictions(db, under_path=actor.jurisdiction_path),
        "query": str(request.url.query),
        "more": more,
        "offset": offset,
        "page_query": str(request.url.include_query_params(page=filters.page + 1).query),
        "previous_query": str(request.url.include_query_params(page=filters.page - 1).query),
    }  # fmt: skip
    return render(request, "leads/ledger.html", context, actor=actor)


@router.get("/ledger/export.xlsx")
def ledger_export(
    db: SessionDep, actor: ActorDep, filters: Annotated[LeadFilter, Query()], layout: Layout = "a2"
) -> Response:
    """The ledger as an Excel file in the official layout (never any informant identity)."""
    policy.ensure(db, actor, "ledger.export")
    leads = ledger.ledger_leads(db, actor=actor, layout=layout, period=filters.period,
                                filters=filters)  # fmt: skip
    title = ledger.A2_TITLE if layout == "a2" else ledger.A6_TITLE
    name = f"{title}{filters.period or ''}-{local_today().isoformat()}.xlsx"
    return download(ledger_xlsx.workbook(db, layout, leads), name)


@router.post("/ledger/import")
async def ledger_import_upload(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Import an uploaded ledger into the actor's jurisdiction; problems are listed on the page."""
    policy.ensure(db, actor, "ledger.import")
    upload = (await request.form()).get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise invalid("请选择要导入的台账文件。", [FieldProblem("file", "未选择文件")])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.filename).name
            path.write_bytes(await upload.read())
            assert actor.jurisdiction_id is not None
            result = import_ledger(
                db, actor=actor, path=path, jurisdiction_id=actor.jurisdiction_id
            )
    except FangfeiError as error:
        db.rollback()
        context: dict[str, object] = {"error": error}
        return render(
            request, "leads/ledger_import.html", context, actor=actor, status_code=error.status
        )
    context = {"imported": result.imported, "layout": result.layout}
    return render(request, "leads/ledger_import.html", context, actor=actor)
