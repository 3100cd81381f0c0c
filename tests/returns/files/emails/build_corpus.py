"""Writes the .eml corpus beside this file: `python tests/returns/files/emails/build_corpus.py`.

Forces' replies in the shapes UK police FOI units really send (acknowledgements quoting "Our
ref: FOI 001234/17" or "Freedom of Information Request Reference No: ...", s.12 refusals
citing the appropriate limit, disclosures "Please find attached", out-of-office notices,
delivery failures), and the awkward ones (HTML only, quoted-printable, Windows-1252,
ISO-8859-1, forwarded, hostile attachment names, broken MIME). The names, people and
addresses are made up; the forces' domains are real.

Placeholders filled in by the tests (tests/returns/replies_helpers.py):
%%OUR_REF%% (the request's FOIR-nnnnn), %%OTHER_REF%% (another request's),
tokens `nthm4k3f9q2x` (Northumbria's request) and `drhm7p2m5w8z` (Durham's), and our
Message-IDs <request-nthm@charity.example> and <request-drhm@charity.example>.
EXPECTED (below) lists what each should become.
"""

import hashlib
import io
import json
import zipfile
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHARITY = "foi@charity.example"
NTHM = "foi+nthm4k3f9q2x@charity.example"
DRHM = "foi+drhm7p2m5w8z@charity.example"
NTHM_ID = "<request-nthm@charity.example>"
DRHM_ID = "<request-drhm@charity.example>"
DATE = "Tue, 03 Feb 2026 10:15:00 +0000"
SUBJECT = "Freedom of Information request: online child sexual offences [%%OUR_REF%%]"

NTHM_SIGNATURE = """
Yours sincerely

Joanne Bell
Disclosure Officer
Freedom of Information Unit
Northumbria Police
Middle Engine Lane, Wallsend NE28 9NT
"""
DRHM_SIGNATURE = """
Regards

Information Rights Team
Durham Constabulary
Aykley Heads, Durham DH1 5TT
"""
QUOTED_REQUEST = """
-----Original Message-----
From: FOI Team <foi@charity.example>
Sent: 05 January 2026 09:00
To: Freedom of Information <foi@northumbria.police.uk>
Subject: Freedom of Information request: online child sexual offences [%%OUR_REF%%]

Under the Freedom of Information Act 2000, please tell me how many sexual offences against
under-18s Northumbria Police recorded with an online flag in each of the financial years
2015/16 and 2016/17. Please reply within 20 working days of receipt, as section 10(1)
requires. If the request would exceed the appropriate limit under section 12, please say so.
"""


def message(sender, to, subject, body=None, *, date=DATE, message_id=None, **headers):
    email = EmailMessage(policy=SMTP)
    email["From"] = sender
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = date
    if message_id is not False:
        digest = hashlib.sha1(f"{sender}{subject}{body}".encode()).hexdigest()[:16]
        email["Message-ID"] = message_id or f"<{digest}@mail.example>"
    for name, value in headers.items():
        email[name.replace("_", "-")] = value
    if body is not None:
        email.set_content(body)
    return email


def xlsx_bytes():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Age of victim", "2015/16", "2016/17"])
    for age, first, second in [(13, 21, 34), (14, 19, 40), (15, 12, 22), ("Total", 52, 96)]:
        sheet.append([age, first, second])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>2015/16: 98; 2016/17: 323'
            "</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
CSV = b"Financial year,Offences\r\n2015/16,98\r\n2016/17,323\r\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attach(email, data, maintype, subtype, filename):
    email.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)


def corpus():
    """{file name: (EmailMessage or bytes, expected)}."""
    out = {}

    def add(name, email, kind, matched_by, attachments=(), **more):
        out[name] = (email, {"kind": kind, "matched_by": matched_by,
                             "attachments": list(attachments), **more})  # fmt: skip

    add(
        "01_acknowledgement_our_ref.eml",
        message(
            "Northumbria Police FOI <foi@northumbria.police.uk>", NTHM, "RE: " + SUBJECT,
            "Dear FOI Team\n\nFreedom of Information Act 2000 - Our ref: FOI 001234/17\n\n"
            "Thank you for your request for information, which was received on 5 January "
            "2026. We acknowledge receipt of your request and it is being dealt with under the "
            "terms of the Freedom of Information Act 2000. We will respond within 20 working "
            "days.\n" + NTHM_SIGNATURE,
            In_Reply_To=NTHM_ID, References=NTHM_ID,
        ),
        "acknowledgement", "token", force_reference="FOI 001234/17",
    )  # fmt: skip
    add(
        "02_acknowledgement_auto_generated.eml",
        message(
            "Durham Constabulary FOI <foi@durham.police.uk>", "FOI Team <foi@charity.example>",
            "Automatic acknowledgement - Freedom of Information",
            "Your email to the Durham Constabulary Freedom of Information (FOI) in box is "
            "acknowledged.\n\nIf it contains an initial (new) request under FOI it will be dealt "
            "with in accordance with section 10 of the Act, which means that you are entitled to "
            "receive a response no later than 20 working days after the day on which your "
            "request is received.\n\nDue to the volume of correspondence, individual "
            "acknowledgement e-mails will not be sent.\n" + DRHM_SIGNATURE,
            In_Reply_To=DRHM_ID, Auto_Submitted="auto-generated",
        ),
        "acknowledgement", "thread",
    )  # fmt: skip
    add(
        "03_acknowledgement_reference_no.eml",
        message(
            "Northumbria Police <freedomofinformation@northumbria.police.uk>", CHARITY,
            "Freedom of Information Request Reference No: 2026010000123 [%%OUR_REF%%]",
            "Dear FOI Team\n\nFreedom of Information Request Reference No: 2026010000123\n\n"
            "I write in connection with your request for information which was received by "
            "Northumbria Police on 05/01/2026.\n\nYour request will now be considered in "
            "accordance with the Freedom of Information Act 2000 (the Act). You will receive a "
            "response within the statutory timescale of 20 working days as defined by the Act, "
            "subject to the information not being exempt.\n" + NTHM_SIGNATURE,
        ),
        "acknowledgement", "subject", force_reference="2026010000123",
    )  # fmt: skip
    add(
        "04_auto_reply_rfc3834.eml",
        message(
            "Alan Reed <alan.reed@northumbria.police.uk>", NTHM, "Automatic reply: " + SUBJECT,
            "Thank you for your email. I am away from the office until Monday 9 February with "
            "no access to email. For Freedom of Information matters please contact "
            "foi@northumbria.police.uk.",
            Auto_Submitted="auto-replied",
        ),
        "auto_reply", "token",
    )  # fmt: skip
    add(
        "05_out_of_office_x_autoreply.eml",
        message(
            "Sam Hale <sam.hale@durham.police.uk>", DRHM, "RE: " + SUBJECT,
            "Hello,\n\nI am currently out of the office on annual leave, returning on 16 "
            "February 2026. Your email has not been forwarded.\n\nSam Hale\nInformation Rights",
            X_Autoreply="yes",
        ),
        "auto_reply", "token",
    )  # fmt: skip
    # 06: delivery status notification (RFC 3464) carrying our request's headers.
    bounce = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.charity.example>\r\n"
        f"To: {CHARITY}\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: {DATE}\r\n"
        "Message-ID: <bounce-1@mx.charity.example>\r\nAuto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n"
        '\tboundary="==bounce=="\r\n\r\n--==bounce==\r\n'
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the mail system at host mx.charity.example.\r\n\r\nI'm sorry to have to "
        "inform you that your message could not be delivered to one or more recipients.\r\n\r\n"
        "<foi@old.northumbria.police.uk>: host mx.old.northumbria.police.uk said: 550 5.1.1 "
        "User unknown\r\n\r\n--==bounce==\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.charity.example\r\n\r\nFinal-Recipient: rfc822; "
        "foi@old.northumbria.police.uk\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--==bounce==\r\nContent-Type: message/rfc822\r\n\r\n"
        f"From: {CHARITY}\r\nTo: foi@old.northumbria.police.uk\r\nReply-To: {NTHM}\r\n"
        f"Subject: {SUBJECT}\r\nMessage-ID: {NTHM_ID}\r\nDate: {DATE}\r\n\r\n"
        "Under the Freedom of Information Act 2000, please tell me how many offences...\r\n"
        "\r\n--==bounce==--\r\n"
    ).encode()
    add("06_bounce_dsn.eml", bounce, "bounce", "token")
    add(
        "07_bounce_plain_mailer_daemon.eml",
        message(
            "postmaster@durham.police.uk", CHARITY,
            "Undeliverable: " + SUBJECT,
            "Delivery has failed to these recipients or groups:\n\nfoi.old@durham.police.uk\n"
            "The email address you entered couldn't be found.\n\nOriginal message headers:\n\n"
            "Message-ID: " + DRHM_ID + "\nSubject: " + SUBJECT + "\n",
            References=DRHM_ID,
        ),
        "bounce", "thread",
    )  # fmt: skip
    add(
        "08_clarification.eml",
        message(
            "Freedom of Information <foi@northumbria.police.uk>", NTHM, "RE: " + SUBJECT,
            "Dear FOI Team\n\nOur ref: FOI 001234/17\n\nBefore we can proceed with your request "
            "we require clarification. Could you please clarify what you mean by an 'online "
            "flag': the Home Office 'online crime' flag, or any offence where the internet was "
            "used?\n\nUnder section 1(3) of the Freedom of Information Act 2000 we are not "
            "obliged to comply until we receive this clarification, and the 20 working days "
            "will not start until then.\n" + NTHM_SIGNATURE + QUOTED_REQUEST,
        ),
        "clarification", "token", force_reference="FOI 001234/17",
    )  # fmt: skip
    add(
        "09_extension_s10_3.eml",
        message(
            "Freedom of Information <foi@northumbria.police.uk>", NTHM, "RE: " + SUBJECT,
            "Dear FOI Team\n\nOur ref: FOI 001234/17\n\nSection 17(2) notice. Northumbria "
            "Police holds information relevant to your request, and considers it may be exempt "
            "under section 31 (law enforcement). Section 10(3) of the Act allows us to extend "
            "the time to respond while we consider the public interest test. We now aim to "
            "provide a full response by 3 March 2026.\n" + NTHM_SIGNATURE,
        ),
        "extension", "token", extended_to="2026-03-03",
    )  # fmt: skip
    add(
        "10_refusal_s12.eml",
        message(
            "Information Rights <foi@durham.police.uk>", DRHM,
            "FOI 000567/26 - Response - Section 12 [%%OUR_REF%%]",
            "Dear FOI Team\n\nFREEDOM OF INFORMATION REQUEST REFERENCE NUMBER: 000567/26\n\n"
            "Durham Constabulary has considered your request. Section 17 of the Act provides "
            "that a public authority which is relying on a claim that information is exempt "
            "must give the applicant a notice which states that fact.\n\nSection 12(1) provides "
            "that a public authority is not obliged to comply with a request where the cost of "
            "compliance would exceed the appropriate limit. The appropriate limit is £450, "
            "which equates to 18 hours of work. The online flag is not a searchable field: each "
            "crime record would need to be read by hand. This notice is therefore a refusal "
            "notice under section 12.\n\nYou may wish to refine your request, for example to a "
            "single year.\n" + DRHM_SIGNATURE,
        ),
        "refusal", "token", exemptions=["s.12"], force_reference="000567/26",
    )  # fmt: skip
    add(
        "11_refusal_ncnd_s30_s31.eml",
        message(
            "Freedom of Information <foi@northumbria.police.uk>", NTHM, "RE: " + SUBJECT,
            "Dear FOI Team\n\nOur ref: FOI 001234/17\n\nNorthumbria Police can neither confirm "
            "nor deny that it holds the information you requested, by virtue of section 30(3) "
            "(investigations) and section 31(3) (law enforcement). Your request is therefore "
            "refused.\n\nIf you are dissatisfied you may ask for an internal review.\n"
            + NTHM_SIGNATURE,
        ),
        "refusal", "token", exemptions=["s.30", "s.31"],
    )  # fmt: skip
    response = message(
        "Freedom of Information <foi@northumbria.police.uk>",
        NTHM,
        "RE: " + SUBJECT,
        "Dear FOI Team\n\nOur ref: FOI 001234/17\n\nPlease find attached our response to your "
        "request. The information is attached as a spreadsheet.\n" + NTHM_SIGNATURE,
        In_Reply_To=NTHM_ID,
    )
    attach(response, xlsx_bytes(), "application", XLSX.split("/")[1], "FOI 001234-17 response.xlsx")
    add("12_response_xlsx.eml", response, "response", "token", ["FOI 001234-17 response.xlsx"])
    response = message(
        "Information Rights <foi@durham.police.uk>",
        DRHM,
        "RE: " + SUBJECT,
        "Dear FOI Team\n\nPlease find attached the information you requested.\n" + DRHM_SIGNATURE,
    )
    attach(response, CSV, "text", "csv", "durham_online_offences.csv")
    add("13_response_csv.eml", response, "response", "token", ["durham_online_offences.csv"])
    response = message(
        "Freedom of Information <foi@northumbria.police.uk>",
        NTHM,
        "RE: " + SUBJECT,
        "Dear FOI Team\n\nPlease find attached our response letter.\n" + NTHM_SIGNATURE,
    )
    attach(response, PDF, "application", "pdf", "Response letter FOI 001234-17.pdf")
    add("14_response_pdf.eml", response, "response", "token", ["Response letter FOI 001234-17.pdf"])
    response = message(
        "Freedom of Information <foi@northumbria.police.uk>",
        NTHM,
        "RE: " + SUBJECT,
        "Dear FOI Team\n\nPlease find attached the disclosure.\n" + NTHM_SIGNATURE,
    )
    attach(response, docx_bytes(), "application", DOCX.split("/")[1], "Disclosure.docx")
    add("15_response_docx.eml", response, "response", "token", ["Disclosure.docx"])
    add(
        "16_response_not_held.eml",
        message(
            "Information Rights <foi@durham.police.uk>", DRHM, "RE: " + SUBJECT,
            "Dear FOI Team\n\nDurham Constabulary has considered your request. The online flag "
            "was introduced in April 2016, so for 2015/16 the information is not held. Our "
            "response for 2016/17 is set out below.\n\n2016/17: 190\n" + DRHM_SIGNATURE,
        ),
        "response", "token",
    )  # fmt: skip
    add(
        "17_second_address_of_the_force.eml",
        message(
            "Data Protection and Disclosure <disclosure@northumbria.police.uk>", CHARITY,
            "Your information request",
            "Dear FOI Team\n\nPlease find our response below. Northumbria Police recorded 98 "
            "offences in 2015/16 and 323 in 2016/17.\n" + NTHM_SIGNATURE,
        ),
        "response", "domain",
    )  # fmt: skip
    add(
        "18_forwarded_in_body.eml",
        message(
            "Kate Young <kate.young@charity.example>", CHARITY, "Fwd: RE: " + SUBJECT,
            "FYI, this came to my own address.\n\n---------- Forwarded message ---------\n"
            "From: Information Rights <foi@durham.police.uk>\nDate: Mon, 2 Feb 2026 at 14:02\n"
            "Subject: RE: " + SUBJECT + "\nTo: Kate Young <kate.young@charity.example>\n\n"
            "Dear Ms Young\n\nPlease find attached our response to your request. The "
            "information is attached.\n" + DRHM_SIGNATURE,
        ),
        "response", "subject",
    )  # fmt: skip
    forward = message(
        "Kate Young <kate.young@charity.example>",
        CHARITY,
        "Fwd: Northumbria reply",
        "Forwarding the force's reply, attached.",
    )
    inner = message(
        "Freedom of Information <foi@northumbria.police.uk>",
        NTHM,
        "RE: " + SUBJECT,
        "Dear FOI Team\n\nPlease find attached our response.\n" + NTHM_SIGNATURE,
    )
    forward.add_attachment(inner, filename="Northumbria reply.eml")
    add("19_forwarded_as_attachment.eml", forward, "response", "token", ["Northumbria reply.eml"])
    html = message("Freedom of Information <foi@northumbria.police.uk>", NTHM, "RE: " + SUBJECT)
    html.set_content(
        "<html><head><style>p {color: red}</style><script>alert('x')</script></head><body>"
        "<p>Dear FOI Team</p><p>Please find our response below.</p><table><tr><td>2015/16</td>"
        "<td>98</td></tr><tr><td>2016/17</td><td>323</td></tr></table>"
        '<img src="https://tracker.example/pixel.gif" onerror="alert(1)">'
        "<p>Joanne Bell<br>Freedom of Information Unit</p></body></html>",
        subtype="html",
    )
    add("20_html_only_with_script.eml", html, "response", "token")
    qp = message("Freedom of Information <foi@northumbria.police.uk>", NTHM, "RE: " + SUBJECT)
    qp.set_content(
        "Dear FOI Team\n\nOur ref: FOI 001234/17\n\nPlease find our response below. The force "
        "recorded 98 offences in 2015/16 \u2013 a figure restated from the 170 given last "
        "year \u2013 and 323 in 2016/17, a rise of 229 on a like=for=like basis.\n"
        + NTHM_SIGNATURE,
        cte="quoted-printable",
    )
    add("21_quoted_printable.eml", qp, "response", "token")
    out["22_windows_1252.eml"] = (
        _encoded(
            "windows-1252", "8bit",
            "Dear FOI Team\n\nOur ref: FOI 001234/17\n\nPlease find our response below. "
            "The \u201conline\u201d flag costs \u00a30 to search; 98 offences in 2015/16.\n"
            + NTHM_SIGNATURE, NTHM, "foi@northumbria.police.uk",
        ),
        {"kind": "response", "matched_by": "token", "attachments": [], "contains": "\u00a30"},
    )  # fmt: skip
    out["23_iso_8859_1.eml"] = (
        _encoded(
            "iso-8859-1", "base64",
            "Dear FOI Team\n\nPlease find attached our r\u00e9ponse: the information is "
            "attached. Caf\u00e9 culture aside, 190 offences.\n" + DRHM_SIGNATURE,
            DRHM, "foi@durham.police.uk",
        ),
        {"kind": "response", "matched_by": "token", "attachments": [], "contains": "r\u00e9ponse"},
    )  # fmt: skip
    hostile = message(
        "Freedom of Information <foi@northumbria.police.uk>",
        NTHM,
        "RE: " + SUBJECT,
        "Dear FOI Team\n\nPlease find attached our response.\n" + NTHM_SIGNATURE,
    )
    attach(hostile, b"root:x:0:0:root:/root:/bin/bash\n", "text", "plain", "../../etc/passwd")
    attach(hostile, xlsx_bytes(), "application", XLSX.split("/")[1], "=cmd|' /C calc'!A0.xlsx")
    attach(hostile, b"MZ\x90\x00 not really a pdf", "application", "pdf", "figures.pdf")
    add(
        "24_hostile_attachment_names.eml", hostile, "response", "token",
        ["C calcA0.xlsx"], refused=["passwd", "figures.pdf"],
    )  # fmt: skip
    out["25_malformed_mime.eml"] = (
        (
            "From: Freedom of Information <foi@northumbria.police.uk>\r\n"
            f"To: {NTHM}\r\nSubject: RE: {SUBJECT}\r\nDate: {DATE}\r\n"
            "Message-ID: <malformed-1@northumbria.police.uk>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
            "--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            "RGVhciBGT0kgVGVhbQoKUGxlYXNlIGZpbmQgYXR0YWNoZWQgb3VyIHJlc3BvbnNl!!!\r\n"
            "--never-closed\r\nContent-Type: application/vnd.ms-excel\r\n"
            'Content-Disposition: attachment; filename="broken.xls"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n0M8R4KGxGuE=\r\n"
        ).encode(),
        {"kind": "response", "matched_by": "token", "attachments": ["broken.xls"],
         "problem": "MIME structure is broken"},
    )  # fmt: skip
    add(
        "26_conflicting_reference.eml",
        message(
            "Freedom of Information <foi@northumbria.police.uk>", NTHM,
            "RE: Freedom of Information request [%%OTHER_REF%%]",
            "Dear FOI Team\n\nPlease find our response below: 98 offences in 2015/16.\n"
            + NTHM_SIGNATURE,
        ),
        "response", "token", conflict=True,
    )  # fmt: skip
    add(
        "27_force_reference_only.eml",
        message(
            "J Bell <joanne.bell1984@gmail.example>", CHARITY, "FOI 001234/17",
            "Dear FOI Team\n\nI am working from home today. Re our ref FOI 001234/17: please "
            "find our response below. 98 offences in 2015/16, 323 in 2016/17.\n" + NTHM_SIGNATURE,
        ),
        "response", "force_reference",
    )  # fmt: skip
    add(
        "28_unmatched_unknown_sender.eml",
        message(
            "Records Team <records@example-council.gov.example>", CHARITY, "Your enquiry",
            "Dear Sir or Madam\n\nThank you for your enquiry. This mailbox is for council "
            "records; for police matters please contact your local force.\n",
        ),
        "other", None,
    )  # fmt: skip
    add(
        "29_response_quoting_our_request.eml",
        message(
            "Freedom of Information <foi@northumbria.police.uk>", NTHM, "RE: " + SUBJECT,
            "Dear FOI Team\n\nThank you for your patience. Please find our response below: "
            "Northumbria Police recorded 98 offences in 2015/16 and 323 in 2016/17.\n"
            + NTHM_SIGNATURE + QUOTED_REQUEST,
        ),
        "response", "token",
    )  # fmt: skip
    add(
        "30_no_message_id.eml",
        message(
            "Information Rights <foi@durham.police.uk>", DRHM, "RE: " + SUBJECT,
            "Dear FOI Team\n\nWe acknowledge receipt of your request, which has been logged. "
            "You should receive a response by 2 March 2026.\n" + DRHM_SIGNATURE,
            message_id=False,
        ),
        "acknowledgement", "token",
    )  # fmt: skip
    return out


def _encoded(charset, cte, text, to, sender):
    import base64

    data = text.encode(charset)
    body = base64.encodebytes(data) if cte == "base64" else data
    head = (
        f"From: Freedom of Information <{sender}>\r\nTo: {to}\r\nSubject: RE: {SUBJECT}\r\n"
        f"Date: {DATE}\r\nMessage-ID: <{charset}-1@mail.example>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: text/plain; charset="{charset}"\r\nContent-Transfer-Encoding: {cte}\r\n\r\n'
    ).encode()
    return head + body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def main():
    expected = {}
    for name, (email, outcome) in corpus().items():
        data = email if isinstance(email, bytes) else email.as_bytes(policy=SMTP)
        (HERE / name).write_bytes(data)
        expected[name] = outcome
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(f"{len(expected)} messages written to {HERE}")


if __name__ == "__main__":
    main()
