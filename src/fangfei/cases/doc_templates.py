"""Case document templates: Word files with ``{占位符}`` filled from case data (no database here).

A placeholder is a known Chinese name in braces, ``{案件名称}``; full-width braces ``｛案件名称｝``
typed with a Chinese input method are read the same way. Word splits a paragraph's text into runs
wherever it likes (spell checking, an edit in the middle of a word), so a placeholder is looked for
in the joined text of the paragraph's runs; the filled text is written into the first run that
carried text (keeping its formatting) and the other runs are emptied. A paragraph holding nothing
but a list placeholder (``{案件线索清单}``) becomes one paragraph per item, in the same style.

The shipped default templates are built here in code; an administrator may replace any of them
with an edited Word file (see :func:`fangfei.cases.documents.replace_template`).
"""

from __future__ import annotations

import copy
import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from typing import Protocol

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from fangfei.errors import FangfeiError, FieldProblem, invalid

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry

PLACEHOLDERS: dict[str, str] = {
    "案件编号": "案件编号，如 AJ2026-000012",
    "案件名称": "案件名称",
    "主办地": "主办地（牵头处置的辖区）名称",
    "发文单位": "制发文书的辖区名称：主办地，或为本地措施制发告知类文书的协办地",
    "协办地": "协办地名称，多个以顿号分隔；没有时为“无”",
    "注册地": "注册地名称，多个以顿号分隔；未登记时为“未登记”",
    "涉及金额": "涉及金额，以万元计、保留两位小数，如“250.00 万元”；未登记时为“不详”",
    "涉及人数": "涉及人数，如“60 人”；未登记时为“不详”",
    "未兑付金额": "未兑付金额，以万元计、保留两位小数；未登记时为“不详”",
    "未兑付人数": "未兑付人数，如“12 人”；未登记时为“不详”",
    "当前阶段": "案件当前所处的处置阶段，如“调查取证”",
    "处置路径": "处置路径：行政或刑事",
    "调查方式": "调查方式：行业执法调查或专项调查",
    "性质认定": "性质认定意见（摘要、文号）",
    "主要违法违规事实": "主要违法违规事实",
    "主要对象": "第一个组织者的名称（没有组织者时为第一个涉案主体）",
    "统一社会信用代码": "主要对象的统一社会信用代码（个人或未登记时为空）",
    "包案领导": "包案领导姓名",
    "文书日期": "生成文书的日期，如“2026年12月6日”",
    "措施对象": "所选处置措施的对象",
    "措施文号": "所选处置措施的文书编号",
    "措施日期": "所选处置措施的日期（约谈时间等）",
    "整改期限": "责令整改的期限（按工作日推算；所跨年度工作日安排未公布时注明“（暂定）”）",
    "案件线索清单": "（清单）每条案件线索一段：编号、发现日期、线索内容",
    "涉案主体清单": "（清单）每个涉案主体一段：名称、类别、统一社会信用代码",
    "处置措施清单": "（清单）每项行政处置措施一段：日期、措施、对象、文号、罚款、压降人数",
    "刑事办理清单": "（清单）每个刑事办理节点一段：日期、节点、文号、说明",
}
LIST_PLACEHOLDERS = frozenset(
    name for name, text in PLACEHOLDERS.items() if text.startswith("（清单）")
)
EMPTY_LIST = "无"

TITLES: dict[str, str] = {
    "risk_notice_letter": "风险提示函",
    "interview_notice": "警示约谈通知书",
    "rectification_notice": "责令整改通知书",
    "referral_letter": "移送函",
    "announcement": "公告",
    "disposal_report": "处置报告",
}

_PATTERN = re.compile(r"[{｛]\s*([^{}｛｝\n]{1,40}?)\s*[}｝]")
OFFICE_SUFFIX = "防范和处置非法集资工作领导小组办公室"  # a place name goes before it
_SIGNATURE = "{发文单位}" + OFFICE_SUFFIX
_LAW = "《防范和处置非法集资条例》"
_CASE = "“{案件名称}”（案件编号 {案件编号}）"

# kind → blocks: (role, text); roles: title, number, to, p (body), h (heading), sign, date
_BLOCKS: dict[str, list[tuple[str, str]]] = {
    "risk_notice_letter": [
        ("number", "{措施文号}"),
        ("to", "{措施对象}："),
        ("p", f"我办在工作中发现，你（单位）涉及{_CASE}相关活动，涉及金额约 {{涉及金额}}，"
              "涉及人数约 {涉及人数}，存在非法集资风险。"),
        ("p", f"根据{_LAW}的规定，现向你（单位）提示：未经依法许可或者违反国家金融管理规定，"
              "以许诺还本付息或者给予其他投资回报等方式，向不特定对象吸收资金的，属于非法集资。"),
        ("p", "请你（单位）立即自查自纠，停止相关活动，妥善处理涉及群众的资金，"
              "并将有关情况书面报告我办。"),
    ],
    "interview_notice": [
        ("number", "{措施文号}"),
        ("to", "{措施对象}："),
        ("p", f"因你（单位）涉嫌参与{_CASE}相关非法集资活动，根据{_LAW}的规定，"
              "我办决定对你（单位）进行警示约谈。"),
        ("p", "请你（单位）法定代表人或者主要负责人于 {措施日期} 到__________接受约谈，"
              "并携带营业执照、相关合同、宣传材料及资金往来凭证等材料。"),
        ("p", "无正当理由拒不接受约谈的，我办将依法处理。"),
    ],
    "rectification_notice": [
        ("number", "{措施文号}"),
        ("to", "{措施对象}："),
        ("p", f"经查，你（单位）在{_CASE}中存在以下违法违规事实："),
        ("p", "{主要违法违规事实}"),
        ("p", f"根据{_LAW}的规定，现责令你（单位）立即停止相关活动，限期整改，"
              "并将整改情况书面报送我办。"),
        ("p", "整改期限：{整改期限}。逾期不整改或者整改不到位的，我办将依法处理。"),
    ],
    "referral_letter": [
        ("to", "公安机关："),
        ("p", f"我办在处置{_CASE}过程中发现，{{主要对象}}涉嫌非法集资犯罪，涉及金额 {{涉及金额}}，"
              "涉及人数 {涉及人数}，未兑付金额 {未兑付金额}。"),
        ("p", "调查方式：{调查方式}。性质认定：{性质认定}。"),
        ("p", "主要违法违规事实："),
        ("p", "{主要违法违规事实}"),
        ("p", "涉案主体："),
        ("p", "{涉案主体清单}"),
        ("p", "案件线索："),
        ("p", "{案件线索清单}"),
        ("p", f"根据{_LAW}和行政执法机关移送涉嫌犯罪案件的有关规定，现将该案移送你局，请依法审查。"),
    ],
    "announcement": [
        ("to", "社会公众："),
        ("p", "经调查，{主要对象}未经依法许可，擅自向社会不特定对象吸收资金，涉嫌非法集资。"
              f"根据{_LAW}的规定，现予以取缔，并公告如下："),
        ("p", "被取缔对象：{主要对象}"),
        ("p", "统一社会信用代码：{统一社会信用代码}"),
        ("p", "一、被取缔对象应当立即停止一切集资活动，不得转移、隐匿、毁损涉案财物。"),
        ("p", "二、集资参与人请持相关合同、凭证等材料，按照后续通知到指定地点登记。"),
        ("p", "三、因参与非法集资受到的损失，由集资参与人自行承担。"),
        ("p", "四、欢迎社会公众举报非法集资线索，举报属实的按照有关规定给予奖励。"),
        ("p", "特此公告。"),
    ],
    "disposal_report": [
        ("number", "（{案件名称}，案件编号 {案件编号}）"),
        ("to", "{主办地}防范和处置非法集资工作领导小组："),
        ("p", "现将{案件名称}处置情况报告如下："),
        ("h", "一、案件线索"),
        ("p", "{案件线索清单}"),
        ("h", "二、被处置对象基本情况"),
        ("p", "{涉案主体清单}"),
        ("p", "主办地：{主办地}；协办地：{协办地}；注册地：{注册地}。"),
        ("p", "涉及金额 {涉及金额}，涉及人数 {涉及人数}；未兑付金额 {未兑付金额}，"
              "未兑付人数 {未兑付人数}。"),
        ("h", "三、调查取证及性质认定情况"),
        ("p", "调查方式：{调查方式}。"),
        ("p", "性质认定：{性质认定}。"),
        ("p", "处置路径：{处置路径}；当前阶段：{当前阶段}。"),
        ("h", "四、主要违法违规事实"),
        ("p", "{主要违法违规事实}"),
        ("h", "五、处置措施及处理结果"),
        ("p", "{处置措施清单}"),
        ("p", "刑事办理情况："),
        ("p", "{刑事办理清单}"),
        ("p", "包案领导：{包案领导}。"),
    ],
}  # fmt: skip


class _Blocks(Protocol):
    """Anything holding paragraphs and tables: the body, a table cell, a header or footer."""

    @property
    def paragraphs(self) -> list[Paragraph]: ...

    @property
    def tables(self) -> list[Table]: ...


def _template_error(reason: str) -> FangfeiError:
    return invalid("文书模板不能使用。", [FieldProblem("file", reason)])


def _unknown_kind(kind: str) -> FangfeiError:
    known = "、".join(f"{code}（{title}）" for code, title in TITLES.items())
    return invalid(
        "文书类别有误。", [FieldProblem("kind", f"“{kind}”不是可生成的文书；可选：{known}")]
    )


def set_east_asian_font(run: Run, name: str) -> None:
    """Use ``name`` for the run's Chinese characters as well as its Latin ones."""
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _add(document: Document, role: str, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    set_east_asian_font(run, "黑体" if role == "h" else "宋体" if role == "title" else "仿宋")
    run.font.size = Pt(22 if role == "title" else 16)
    run.bold = role == "title"
    fmt = paragraph.paragraph_format
    if role in ("title", "number"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif role in ("sign", "date"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif role in ("p", "h"):
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    fmt.space_after = Pt(12 if role == "title" else 0)


def default_template(kind: str) -> bytes:
    """The shipped template of a generated kind, as the bytes of a Word file."""
    if kind not in _BLOCKS:
        raise _unknown_kind(kind)
    document = docx.Document()
    section = document.sections[0]
    # GB/T 9704 (党政机关公文格式): A4 with these margins.
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _add(document, "title", TITLES[kind])
    for role, text in _BLOCKS[kind]:
        _add(document, role, text)
    _add(document, "p", "")
    _add(document, "sign", _SIGNATURE)
    _add(document, "date", "{文书日期}")
    out = BytesIO()
    document.save(out)
    return _without_timestamps(out.getvalue())


def _without_timestamps(package: bytes) -> bytes:
    """The same Word package with every zip entry dated 1980-01-01, so that the shipped default
    of a kind is byte-for-byte the same file (and hash) whenever and wherever it is built."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=_EPOCH), source.read(entry),
                            compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
    return out.getvalue()


def _open(content: bytes) -> Document:
    if not content:
        raise _template_error("文件是空的")
    if len(content) > MAX_TEMPLATE_BYTES:
        raise _template_error(f"文件超过 {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB")
    # lxml's XMLSyntaxError is a SyntaxError.
    try:
        return docx.Document(BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, SyntaxError):
        raise _template_error(
            "不是有效的 Word（docx）文件，或文件已损坏；请用 Word 或 WPS 另存为 .docx 后重试"
        ) from None


def _with_cells(root: _Blocks, seen: dict[int, object]) -> Iterator[_Blocks]:
    """A container, then every cell of its tables (nested tables too), in document order."""
    yield root
    for table in root.tables:
        for row in table.rows:
            for cell in row.cells:
                # A merged cell is returned once per grid column it spans. The element is kept
                # in ``seen`` so that its id cannot be reused by another element meanwhile.
                if id(cell._tc) not in seen:
                    seen[id(cell._tc)] = cell._tc
                    yield from _with_cells(cell, seen)


def _containers(document: Document) -> Iterator[_Blocks]:
    """The body with its table cells, then the headers and footers in use with theirs."""
    roots: list[_Blocks] = [document]
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):  # fmt: skip
            # A linked part has no content of its own; reading it would create one.
            if not part.is_linked_to_previous:
                roots.append(part)
    seen: dict[int, object] = {}
    for root in roots:
        yield from _with_cells(root, seen)


def _paragraphs(document: Document) -> list[Paragraph]:
    return [p for container in _containers(document) for p in container.paragraphs]


def _run_text(paragraph: Paragraph) -> str:
    return "".join(run.text for run in paragraph.runs)


def _all_text(paragraph: Paragraph) -> str:
    """Every visible character, including those inside hyperlinks and tracked insertions."""
    return "".join(t.text or "" for t in paragraph._p.iter(qn("w:t")))


def _names_in(text: str) -> list[str]:
    return [match.group(1) for match in _PATTERN.finditer(text)]


def _check_names(names: list[str]) -> None:
    unknown = [name for name in dict.fromkeys(names) if name not in PLACEHOLDERS]
    if unknown:
        listed = "、".join(f"{{{name}}}" for name in unknown)
        known = "、".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise _template_error(f"模板中有未知的占位符：{listed}。可用的占位符：{known}")


def check_template(content: bytes) -> list[str]:
    """The placeholder names a template uses, in order; ``invalid`` when it cannot be used."""
    paragraphs = _paragraphs(_open(content))
    names = [name for p in paragraphs for name in _names_in(_run_text(p))]
    _check_names(names)
    hidden = [name for p in paragraphs for name in _names_in(_all_text(p)) if name not in names]
    if hidden:
        listed = "、".join(f"{{{name}}}" for name in dict.fromkeys(hidden))
        raise _template_error(
            f"占位符 {listed} 位于超链接或未接受的修订中，无法填写；请去掉超链接或接受修订后重新上传"
        )
    return list(dict.fromkeys(names))


def _write(paragraph: Paragraph, text: str) -> None:
    """Put ``text`` in the first run that had text and empty the other text runs."""
    runs = [run for run in paragraph.runs if run.text]
    if not runs:
        return
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def _as_text(value: str | list[str]) -> str:
    return "；".join(value) if isinstance(value, list) else value


def _substitute(text: str, values: dict[str, str | list[str]]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return _as_text(values[name]) if name in values else match.group(0)

    return _PATTERN.sub(replace, text)


def _expand(paragraph: Paragraph, items: list[str]) -> None:
    """Turn a paragraph holding only a list placeholder into one paragraph per item."""
    items = items or [EMPTY_LIST]
    pristine = copy.deepcopy(paragraph._p)
    _write(paragraph, items[0])
    anchor = paragraph._p
    for item in items[1:]:
        element = copy.deepcopy(pristine)
        anchor.addnext(element)
        _write(Paragraph(element, paragraph._parent), item)
        anchor = element


def fill(template: bytes, values: dict[str, str | list[str]]) -> bytes:
    """The template with its placeholders replaced by ``values`` (names not given stay as they are)."""
    document = _open(template)
    paragraphs = _paragraphs(document)
    _check_names([name for p in paragraphs for name in _names_in(_run_text(p))])
    for paragraph in paragraphs:
        text = _run_text(paragraph)
        names = _names_in(text)
        if not names:
            continue
        whole = _PATTERN.fullmatch(text.strip())
        if whole and whole.group(1) in LIST_PLACEHOLDERS and whole.group(1) in values:
            value = values[whole.group(1)]
            _expand(paragraph, value if isinstance(value, list) else [value])
            continue
        _write(paragraph, _substitute(text, values))
    out = BytesIO()
    document.save(out)
    return out.getvalue()
