"""Charts drawn in a Word document: native DrawingML bar charts that Word and LibreOffice draw
themselves (in the reader's fonts, no image), with their data embedded as a small workbook so
that the officer can edit them in Word ("编辑数据").

python-docx has no chart support; a chart is three parts — the chart XML (with the values
cached in it), the embedded workbook it refers to, and an inline drawing in a paragraph that
points at the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Mm
from openpyxl import Workbook

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
COLOUR = "B91C1C"  # the red of the web app's header
FIRST_DRAWING_ID = 1000  # drawing ids must be unique in a document; pictures count from 1


def _workbook(series: str, categories: Sequence[str], values: Sequence[int]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(["", series])
    for name, value in zip(categories, values, strict=True):
        sheet.append([name, value])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _points(values: Sequence[object]) -> str:
    return "".join(
        f'<c:pt idx="{i}"><c:v>{escape(str(v))}</c:v></c:pt>' for i, v in enumerate(values)
    )


def _chart_xml(
    title: str, series: str, categories: Sequence[str], values: Sequence[int], horizontal: bool
) -> bytes:
    n, last = len(categories), len(categories) + 1
    font = '<a:latin typeface="黑体"/><a:ea typeface="黑体"/>'
    label = f'<c:txPr><a:bodyPr/><a:p><a:pPr><a:defRPr sz="900">{font}</a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'
    # Horizontal bars list the categories top-down in their order; columns left to right.
    category_axis = f"""<c:catAx><c:axId val="1"/><c:scaling><c:orientation val="{"maxMin" if horizontal else "minMax"}"/></c:scaling>
<c:delete val="0"/><c:axPos val="{"l" if horizontal else "b"}"/><c:numFmt formatCode="General" sourceLinked="0"/>
<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{label}<c:crossAx val="2"/><c:crosses val="autoZero"/><c:auto val="1"/>
<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>"""
    value_axis = f"""<c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling>
<c:delete val="0"/><c:axPos val="{"b" if horizontal else "l"}"/><c:majorGridlines/><c:numFmt formatCode="0" sourceLinked="0"/>
<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{label}<c:crossAx val="1"/><c:crosses val="{"max" if horizontal else "autoZero"}"/>
<c:crossBetween val="between"/></c:valAx>"""
    xml = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}">
<c:lang val="zh-CN"/><c:roundedCorners val="0"/>
<c:chart>
<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="1200" b="1">{font}</a:defRPr></a:pPr>
<a:r><a:rPr lang="zh-CN" sz="1200" b="1">{font}</a:rPr><a:t>{escape(title)}</a:t></a:r></a:p></c:rich></c:tx>
<c:overlay val="0"/></c:title>
<c:autoTitleDeleted val="0"/>
<c:plotArea><c:layout/>
<c:barChart><c:barDir val="{"bar" if horizontal else "col"}"/><c:grouping val="clustered"/><c:varyColors val="0"/>
<c:ser><c:idx val="0"/><c:order val="0"/>
<c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val="1"/>{_points([series])}</c:strCache></c:strRef></c:tx>
<c:spPr><a:solidFill><a:srgbClr val="{COLOUR}"/></a:solidFill></c:spPr>
<c:invertIfNegative val="0"/>
<c:dLbls>{label}<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>
<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>
<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${last}</c:f><c:strCache><c:ptCount val="{n}"/>{_points(categories)}</c:strCache></c:strRef></c:cat>
<c:val><c:numRef><c:f>Sheet1!$B$2:$B${last}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{_points(values)}</c:numCache></c:numRef></c:val>
</c:ser>
<c:gapWidth val="60"/><c:axId val="1"/><c:axId val="2"/>
</c:barChart>
{category_axis}
{value_axis}
</c:plotArea>
<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/>
</c:chart>
<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>
</c:chartSpace>"""
    return xml.encode("utf-8")


def add_bar_chart(
    document: Document, *, title: str, series: str, categories: Sequence[str],
    values: Sequence[int], horizontal: bool = True, height_mm: int = 70,
) -> None:  # fmt: skip
    """Append a paragraph holding a bar chart (horizontal bars, or columns) of ``values``."""
    package = document.part.package
    number = 1 + sum(1 for p in package.iter_parts() if p.content_type == CONTENT_TYPE.DML_CHART)
    embedded = Part(PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"),
                    CONTENT_TYPE.SML_SHEET, _workbook(series, categories, values), package)  # fmt: skip
    chart = Part(PackURI(f"/word/charts/chart{number}.xml"), CONTENT_TYPE.DML_CHART,
                 _chart_xml(title, series, categories, values, horizontal), package)  # fmt: skip
    assert chart.relate_to(embedded, RELATIONSHIP_TYPE.PACKAGE) == "rId1"  # as the XML says
    rid = document.part.relate_to(chart, RELATIONSHIP_TYPE.CHART)
    section = document.sections[-1]
    width = (
        (section.page_width or Mm(210)) - (section.left_margin or 0) - (section.right_margin or 0)
    )
    drawing = parse_xml(f"""<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  xmlns:wp="{WP}" xmlns:a="{A}" xmlns:c="{C}" xmlns:r="{R}">
<wp:inline distT="0" distB="0" distL="0" distR="0">
<wp:extent cx="{int(width)}" cy="{int(Mm(height_mm))}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>
<wp:docPr id="{FIRST_DRAWING_ID + number}" name="{escape(title)}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="{C}"><c:chart r:id="{rid}"/></a:graphicData></a:graphic>
</wp:inline></w:drawing>""")  # fmt: skip
    document.add_paragraph().add_run()._r.append(drawing)
