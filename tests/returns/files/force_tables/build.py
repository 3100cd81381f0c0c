"""Force tables in the file kinds that are built rather than kept as text: workbooks, Word
replies and PDFs, in the shapes forces' disclosure logs use (titles above, notes below, merged
headings, several sheets, a table inside a letter). Each returns the file's bytes."""

import io

import openpyxl

AGES = [["Under 1", 0, 1], ["3", 1, 0], ["11", 6, 9], ["12", 14, 21], ["13", 28, 57]]


def workbook_bytes(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def several_sheets_xlsx():
    """A cover sheet (the active one), offence types, then ages: the active sheet holds no
    figures, and two sheets hold tables."""
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.append(["Freedom of Information request 000123/17"])
    cover.append(["Please see the following sheets for the figures requested."])
    offences = book.create_sheet("Offence types")
    offences.append(["Offence", "2015/16", "2016/17"])
    for row in [
        ["Rape of a female child under 13", 3, 4],
        ["Sexual assault on a female child under 13", 5, 6],
        ["Sexual activity involving a child under 16", 12, 20],
        ["Sexual communication with a child", 0, 9],
        ["Other sexual offences", 2, 3],
        ["Total", 22, 42],
    ]:
        offences.append(row)
    ages = book.create_sheet("Victim ages")
    ages.append(["Age", "2015/16", "2016/17"])
    for row in [*AGES, ["Total", 49, 88]]:
        ages.append(row)
    book.active = 0
    return workbook_bytes(book)


def merged_header_xlsx():
    """A merged title, "Age of victim" merged down two header rows, "Financial year" merged
    across the years."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ages"
    sheet["A1"] = "Online child sexual offences by age of victim"
    sheet.merge_cells("A1:C1")
    sheet["A3"] = "Age of victim"
    sheet.merge_cells("A3:A4")
    sheet["B3"] = "Financial year"
    sheet.merge_cells("B3:C3")
    sheet["B4"], sheet["C4"] = "2015/16", "2016/17"
    for row in [*AGES, ["Total", 49, 88]]:
        sheet.append(row)
    sheet.append([])
    sheet.append(["Note: ages are at the time of the offence."])
    return workbook_bytes(book)


def offset_table_xlsx():
    """A table starting at column B, row 6, below a letter heading, with a year-to-date title."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Our ref: FOI 2019/0456"
    sheet["A2"] = "Offences flagged as online, 2018/19 year to date (to 31 December 2018)"
    sheet["B6"], sheet["C6"], sheet["D6"] = "Offence", "2017/18", "2018/19"
    for number, row in enumerate([["Rape", 4, 3], ["Grooming", 9, 7], ["Total", 13, 10]], start=7):
        for column, value in zip("BCD", row, strict=True):
            sheet[f"{column}{number}"] = value
    return workbook_bytes(book)


def numbers_as_floats_xlsx():
    """Excel's numbers (whole floats), the years as "2016-2017" text, a blank spacer row before
    the Total row, and a formula cell's cached value is not available to openpyxl-written
    files: plain numbers stand in."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Age", "2016-2017", "2017-2018"])
    sheet.append(["13", 10.0, 12.0])
    sheet.append(["14", 8.0, 9.0])
    sheet.append([])
    sheet.append(["TOTAL", 18.0, 21.0])
    return workbook_bytes(book)


def docx_reply():
    """A reply letter with the table inside it, a heading above and a note below."""
    import docx

    document = docx.Document()
    document.add_paragraph("Dear Requester,")
    document.add_paragraph("Table 1: offences with a cyber flag, victims aged under 18")
    table = document.add_table(rows=0, cols=3)
    for row in [
        ["Offence", "2015/16", "2016/17"],
        ["Rape", "3", "5"],
        ["Sexual assault", "7", "<5"],
        ["Grooming", "10", "12"],
        ["Total", "20", "21"],
    ]:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.add_paragraph("Please note that figures below 5 have been suppressed.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_merged_title():
    """A table whose first row is one merged title cell, then the header."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=0, cols=3)
    rows = [
        ["Cyber flagged offences", "", ""],
        ["Age", "2016/17", "2017/18"],
        ["12", "4", "6"],
        ["13", "9", "11"],
        ["Total", "13", "17"],
    ]
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    title = table.rows[0].cells
    title[0].merge(title[2])
    title[0].text = "Cyber flagged offences"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_ruled_table():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(text="Freedom of Information response: offences by type")
    pdf.ln(12)
    with pdf.table() as table:
        for data_row in [
            ["Offence", "2016/17", "2017/18"],
            ["Rape", "2", "3"],
            ["Sexual assault", "6", "9"],
            ["Total", "8", "12"],
        ]:
            row = table.row()
            for text in data_row:
                row.cell(text)
    return bytes(pdf.output())


def pdf_text_columns():
    """No ruling: the table is text laid out in columns, as a letter printed to PDF."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("courier", size=11)
    for line in [
        "Online offences against children",
        "",
        "Age         2016/17     2017/18",
        "12          4           6",
        "13          9           11",
        "Total       13          17",
    ]:
        if line:
            pdf.cell(text=line)
        pdf.ln(6)
    return bytes(pdf.output())


def pdf_scan():
    """A scanned reply: a page with a picture-like drawing and no text at all."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())


BUILT = {
    "several_sheets.xlsx": several_sheets_xlsx,
    "merged_header.xlsx": merged_header_xlsx,
    "offset_table_ytd_title.xlsx": offset_table_xlsx,
    "numbers_as_floats.xlsx": numbers_as_floats_xlsx,
    "reply_letter.docx": docx_reply,
    "reply_merged_title.docx": docx_merged_title,
    "ruled_table.pdf": pdf_ruled_table,
    "text_columns.pdf": pdf_text_columns,
    "scanned.pdf": pdf_scan,
}
