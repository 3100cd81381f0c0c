"""The bytes of a CSV file -> text, refusing what is not cleanly one of the encodings Excel writes.

UTF-8 with or without a byte-order mark; UTF-16 with its mark (Excel's "Unicode text"); otherwise
Windows-1252, which is what Excel writes for a plain "CSV" on Windows. Windows-1252 gives a
character for all but five byte values, so almost any bytes "decode": a Shift-JIS file of
Japanese force names would come out as "ŒxŽ‹’¡". So the Windows-1252 reading is accepted only if
it looks like text in a Western-European language: non-ASCII characters that are accented
letters or the usual symbols (£ € – ’ “ ” …), mostly standing alone between ASCII letters
("Café", "£5"). Runs of three or more of them ("Ìîñêâà" is Russian read wrongly) and symbols
that such text does not use ("ƒ", "‹", "¤") are counted as odd; a file with enough of them is
refused, with a message saying how to save it as UTF-8.
"""

import re

from returns.importing.errors import FileProblem, ReturnsFileError

RESAVE = 'In Excel, save it as "CSV UTF-8 (Comma delimited)" or as .xlsx.'
# What Western-European text in Windows-1252 uses above ASCII: Latin letters with accents,
# currency, punctuation Excel and Word put in (curly quotes, dashes, ellipsis), a few signs.
WESTERN = {chr(code) for code in range(0xC0, 0x100) if chr(code) != "÷"} | set(
    "ŠšŒœŽžŸ£€¢¥–—‘’“”…•°·±½¼¾©®™§¶¿¡«»ªºµ²³´\xa0"
)
NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MIN_ODD, ODD_SHARE, ENOUGH_ODD = 3, 10, 30
OTHER_ENCODINGS = "another encoding, such as Shift-JIS (Japanese), GBK (Chinese) or Cyrillic"


def refuse(reason):
    raise ReturnsFileError([FileProblem(reason)])


def text_encoding(data):
    """The codec that reads `data` cleanly (utf-16, utf-8-sig or cp1252), or ReturnsFileError.
    Each check decodes the whole file once and keeps nothing."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-16")
        except UnicodeDecodeError:
            refuse(f"The file says it is UTF-16 text but is not. {RESAVE}")
        return "utf-16"
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8-sig"
    if b"\x00" in data:
        refuse("This does not look like a CSV or XLSX file.")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        refuse(
            f"The file is neither UTF-8 nor Windows-1252 text: perhaps {OTHER_ENCODINGS}. {RESAVE}"
        )
    check_western(text)
    return "cp1252"


def check_western(text):
    """Refuse Windows-1252 text that reads like another encoding's bytes (see the module doc)."""
    control = CONTROL.search(text)
    if control:
        refuse(
            f"Line {line_of(text, control.start())} holds a control character "
            f"({control.group()!r}): the file is not plain text. {RESAVE}"
        )
    non_ascii, odd, first_odd = 0, 0, None
    for run in NON_ASCII_RUN.finditer(text):
        chars = run.group()
        non_ascii += len(chars)
        if len(chars) >= 3 or any(char not in WESTERN for char in chars):
            odd += len(chars)
            first_odd = first_odd or run
    # A stray odd character or two is tolerated, as long as it is rare among the non-ASCII ones.
    if odd < min(ENOUGH_ODD, max(MIN_ODD, non_ascii / ODD_SHARE)):
        return
    position = first_odd.start()
    refuse(
        f"The file is not UTF-8, and read as Windows-1252 (Excel's plain CSV) it gives garbled "
        f"text such as {line_around(text, position)!r} (line {line_of(text, position)}): "
        f"it is probably in {OTHER_ENCODINGS}. {RESAVE}"
    )


def line_of(text, position):
    return text.count("\n", 0, position) + 1


def line_around(text, position, width=30):
    start = max(text.rfind("\n", 0, position) + 1, position - width)
    end = text.find("\n", position)
    end = min(len(text) if end < 0 else end, position + width)
    return text[start:end].strip()
