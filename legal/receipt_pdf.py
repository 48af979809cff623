"""A receipt as an A4 PDF (fpdf2, with the DejaVu fonts the settlement statements use).

Every text is drawn as plain text (no markup is read), so whatever a shop wrote in its name
or a product title prints as written and cannot change the document."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from marketplace.commission.statements import FONTS

from .models import Receipt

# Portrait A4 is 190 mm between the margins: product, quantity, price, VAT rate, total.
WIDTHS = (92, 16, 28, 20, 34)


def money(value: str | Decimal) -> str:
    return "€ " + number_format(Decimal(value), 2, force_grouping=True)


def percent(value: str) -> str:
    return f"{Decimal(value).normalize():f}%"


def receipt_pdf(receipt: Receipt) -> bytes:
    content = receipt.content
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSansCondensed.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    seller(pdf, content["seller"])
    pdf.ln(3)
    pdf.set_font("DejaVu", style="B", size=14)
    title = _("Receipt %(number)s") % {"number": receipt.display_number}
    pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    facts = _("Order %(order)s of %(date)s · issued %(issued)s") % {
        "order": content["order_number"],
        "date": date_format(date.fromisoformat(content["order_date"]), "DATE_FORMAT"),
        "issued": date_format(timezone.localtime(receipt.issued_at).date(), "DATE_FORMAT"),
    }
    pdf.cell(0, 5, facts, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    lines_table(pdf, content)
    vat_table(pdf, content)
    return bytes(pdf.output())


def seller(pdf: FPDF, details: dict) -> None:
    pdf.set_font("DejaVu", style="B", size=11)
    pdf.cell(0, 6, details["legal_name"] or details["name"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    lines = [
        *(
            [details["name"]]
            if details["legal_name"] and details["legal_name"] != details["name"]
            else []
        ),
        details["street"],
        f"{details['postcode']} {details['city']}",
        _("KvK %(number)s") % {"number": details["chamber_of_commerce_number"]},
    ]
    if details["vat_number"]:
        lines.append(_("VAT %(number)s") % {"number": details["vat_number"]})
    for line in lines:
        pdf.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")


def row(pdf: FPDF, cells: list[str], *, bold: bool = False) -> None:
    pdf.set_font("DejaVu", style="B" if bold else "", size=9)
    for index, (cell, width) in enumerate(zip(cells, WIDTHS, strict=True)):
        pdf.cell(width, 6.5, cell, border=1, align="L" if index == 0 else "R")
    pdf.ln()


def lines_table(pdf: FPDF, content: dict) -> None:
    row(pdf, [_("Product"), _("Qty"), _("Price"), _("VAT"), _("Total")], bold=True)
    for line in content["lines"]:
        title = line["title"] if len(line["title"]) <= 60 else line["title"][:59] + "…"
        row(
            pdf,
            [
                title,
                str(line["quantity"]),
                money(line["unit_price"]),
                percent(line["vat_rate"]),
                money(line["total"]),
            ],
        )
    if Decimal(content["delivery_fee"]):
        fee = content["delivery_fee"]
        row(
            pdf, [_("Delivery"), "1", money(fee), percent(content["delivery_vat_rate"]), money(fee)]
        )
    row(pdf, [_("Total incl. VAT"), "", "", "", money(content["total"])], bold=True)


def vat_table(pdf: FPDF, content: dict) -> None:
    pdf.ln(4)
    pdf.set_font("DejaVu", style="B", size=9)
    for text, width in zip(
        (_("VAT rate"), _("Excl. VAT"), _("VAT"), _("Incl. VAT")), (30, 40, 40, 40), strict=True
    ):
        pdf.cell(width, 6, text, border=1, align="R")
    pdf.ln()
    pdf.set_font("DejaVu", size=9)
    for group in content["vat"]:
        values = (
            percent(group["rate"]),
            money(group["net"]),
            money(group["vat"]),
            money(group["gross"]),
        )
        for text, width in zip(values, (30, 40, 40, 40), strict=True):
            pdf.cell(width, 6, text, border=1, align="R")
        pdf.ln()
    pdf.set_font("DejaVu", style="B", size=9)
    pdf.cell(110, 6, _("Total VAT") + " " + money(content["total_vat"]), align="L")
    pdf.ln()
