"""A shop's statement of one settlement, as CSV and as PDF (fpdf2), with the same figures;
the PDF is also the centre's invoice for its commission."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF

from marketplace.spreadsheet_cells import neutralise_row

from . import contributions
from .models import Settlement, SettlementLine
from .selectors import lines_of_settlement


@dataclass(frozen=True)
class StatementRow:
    order: str
    date: str
    gross: Decimal
    refunds: Decimal
    commission: Decimal
    vat_on_commission: Decimal
    payment_fees: Decimal
    net: Decimal

    def figures(self) -> list[Decimal]:
        return [
            self.gross,
            self.refunds,
            self.commission,
            self.vat_on_commission,
            self.payment_fees,
            self.net,
        ]


def row_of(line: SettlementLine) -> StatementRow:
    payout = line.payout
    return StatementRow(
        order=payout.part.order.number,
        # A refund made after the part's own statement: only the change, on this one.
        date=_("later refund")
        if line.is_adjustment
        else timezone.localtime(payout.completed_at).date().isoformat(),
        **{name: getattr(line, name) for name in SettlementLine.FIGURES},
    )


def total_row(settlement: Settlement) -> StatementRow:
    return StatementRow(
        order=_("Total"),
        date="",
        gross=settlement.gross,
        refunds=settlement.refunds,
        commission=settlement.commission,
        vat_on_commission=settlement.vat_on_commission,
        payment_fees=settlement.payment_fees,
        net=settlement.net,
    )


def headers() -> list[str]:
    return [
        _("Order"),
        _("Date"),
        _("Gross sales"),
        _("Refunds"),
        _("Commission"),
        _("VAT on commission"),
        _("Payment fees"),
        _("Net paid out"),
    ]


def statement_rows(settlement: Settlement) -> list[StatementRow]:
    return [row_of(line) for line in lines_of_settlement(settlement=settlement)]


def statement_csv(settlement: Settlement) -> str:
    """In the convention of the language it is asked in: Dutch spreadsheets read ";" and
    decimal commas, English ones "," and points. A BOM tells Excel it is UTF-8."""
    dutch = get_language().startswith("nl")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if dutch else ",")

    def amount(value: Decimal) -> str:
        return f"{value:.2f}".replace(".", ",") if dutch else f"{value:.2f}"

    writer.writerow(neutralise_row([_("Shop"), settlement.shop.partner.name]))
    writer.writerow([_("Invoice number"), settlement.invoice_number])
    writer.writerow([_("Period"), settlement.period_start.isoformat(), last_day(settlement)])
    writer.writerow(neutralise_row(headers()))
    for row in [*statement_rows(settlement), total_row(settlement)]:
        writer.writerow([*neutralise_row([row.order, row.date]), *map(amount, row.figures())])
    for label, value in gift_card_rows(settlement):
        writer.writerow([label, "", amount(value)])
    for label, value in contributions.statement_rows(settlement):  # campaigns: names neutralised
        writer.writerow([*neutralise_row([label]), "", amount(value)])
    return ("\ufeff" if dutch else "") + out.getvalue()


def last_day(settlement: Settlement) -> str:
    return settlement.last_day.isoformat()


FONTS = Path(__file__).resolve().parent / "fonts"
# Landscape A4 is 277 mm between the margins: order, date and six amounts.
WIDTHS = (37, 26, 34, 30, 32, 36, 30, 36)


def statement_pdf(settlement: Settlement) -> bytes:
    """A4 landscape: the centre and the shop with their registration numbers, the invoice
    number, the lines and totals, and the commission invoice's VAT. DejaVu (shipped in
    fonts/) prints every name and the euro sign."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSansCondensed.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    parties(pdf, settlement)
    pdf.set_font("DejaVu", style="B", size=14)
    title = _("Statement and commission invoice %(number)s") % {"number": settlement.invoice_number}
    pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.cell(0, 5, period_text(settlement), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    header_row(pdf)
    for row in statement_rows(settlement):
        table_row(pdf, [row.order, row.date, *map(money, row.figures())])
    total = total_row(settlement)
    table_row(pdf, [total.order, "", *map(money, total.figures())], bold=True)
    commission_invoice(pdf, settlement)
    gift_cards(pdf, settlement)
    campaigns(pdf, settlement)
    return bytes(pdf.output())


def campaigns(pdf: FPDF, settlement: Settlement) -> None:
    """The centre's campaigns on this period's parts (rows from `contributions`)."""
    rows = contributions.statement_rows(settlement)
    if not rows:
        return
    pdf.ln(4)
    pdf.set_font("DejaVu", style="B", size=10)
    pdf.cell(0, 6, _("Campaigns"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    for label, value in rows:
        pdf.cell(150, 5.5, label)
        pdf.cell(40, 5.5, "€ " + money(value), align="R", new_x="LMARGIN", new_y="NEXT")


def gift_card_rows(settlement: Settlement) -> list[tuple[str, Decimal]]:
    """The city gift cards spent and sold at the shop's counter in the period, and what the
    centre pays for them on top of the net above (marketplace.giftcards)."""
    from marketplace.giftcards.settlement import statement_of

    stated = statement_of(settlement)
    if stated is None:
        return []
    rows = [
        (_("City gift cards spent at your shop"), stated.redeemed),
        (_("City gift cards sold at your counter"), -stated.sold),
    ]
    if stated.returned:
        rows.append((_("City gift cards: refunded onto cards"), -stated.returned))
    if stated.set_off:
        rows.append((_("City gift cards: set off against order transfers"), -stated.set_off))
    return [*rows, (_("City gift cards: paid to you"), stated.net)]


def gift_cards(pdf: FPDF, settlement: Settlement) -> None:
    rows = gift_card_rows(settlement)
    if not rows:
        return
    pdf.ln(4)
    pdf.set_font("DejaVu", style="B", size=10)
    pdf.cell(0, 6, _("City gift cards"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    for label, value in rows:
        pdf.cell(90, 5.5, label)
        pdf.cell(40, 5.5, "€ " + money(value), align="R", new_x="LMARGIN", new_y="NEXT")


def parties(pdf: FPDF, settlement: Settlement) -> None:
    centre, shop = centre_details(), settlement.shop
    shop_lines = [
        shop.partner.name,
        *([shop.legal_name] if shop.legal_name and shop.legal_name != shop.partner.name else []),
        shop.street,
        f"{shop.postcode} {shop.city}",
        _("KvK %(number)s") % {"number": shop.chamber_of_commerce_number},
    ]
    if shop.vat_number:
        shop_lines.append(_("VAT %(number)s") % {"number": shop.vat_number})
    top = pdf.get_y()
    for column, lines in enumerate((centre, shop_lines)):
        pdf.set_xy(pdf.l_margin + column * 140, top)
        pdf.set_font("DejaVu", style="B", size=9)
        pdf.cell(130, 5, _("From") if column == 0 else _("To"), new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        for line in lines:
            pdf.cell(130, 4.5, str(line), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, top + 34)


def centre_details() -> list[str]:
    lines = [
        getattr(settings, "CENTRE_LEGAL_NAME", "") or settings.BRAND_NAME,
        getattr(settings, "CENTRE_ADDRESS", ""),
    ]
    if getattr(settings, "CENTRE_KVK", ""):
        lines.append(_("KvK %(number)s") % {"number": settings.CENTRE_KVK})
    if getattr(settings, "CENTRE_VAT_NUMBER", ""):
        lines.append(_("VAT %(number)s") % {"number": settings.CENTRE_VAT_NUMBER})
    return [line for line in lines if line]


def period_text(settlement: Settlement) -> str:
    return _("Period %(start)s to %(end)s · invoice date %(date)s · amounts in €") % {
        "start": date_format(settlement.period_start, "DATE_FORMAT"),
        "end": date_format(settlement.last_day, "DATE_FORMAT"),
        "date": date_format(timezone.localtime(settlement.created_at).date(), "DATE_FORMAT"),
    }


def money(value: Decimal) -> str:
    return number_format(value, 2, force_grouping=True)


def header_row(pdf: FPDF) -> None:
    """Headers wrap inside their cell instead of running into the next one."""
    pdf.set_font("DejaVu", style="B", size=8.5)
    top, left = pdf.get_y(), pdf.l_margin
    for index, (text, width) in enumerate(zip(headers(), WIDTHS, strict=True)):
        pdf.set_xy(left, top)
        pdf.multi_cell(width, 4.5, text, border=0, align="L" if index < 2 else "R")
        left += width
    pdf.set_xy(pdf.l_margin, top)
    for width in WIDTHS:
        pdf.cell(width, 10, "", border=1)
    pdf.ln()


def table_row(pdf: FPDF, cells: list[str], *, bold: bool = False) -> None:
    pdf.set_font("DejaVu", style="B" if bold else "", size=9)
    for index, (cell, width) in enumerate(zip(cells, WIDTHS, strict=True)):
        pdf.cell(width, 7, str(cell), border=1, align="L" if index < 2 else "R")
    pdf.ln()


def commission_invoice(pdf: FPDF, settlement: Settlement) -> None:
    """The centre's invoice for its commission and the payment fees it passes on."""
    pdf.ln(4)
    pdf.set_font("DejaVu", style="B", size=10)
    pdf.cell(0, 6, _("Invoice for commission"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    lines = [
        (_("Commission (excl. VAT)"), settlement.commission),
        (_("VAT on commission"), settlement.vat_on_commission),
        (_("Total commission incl. VAT"), settlement.commission + settlement.vat_on_commission),
        (_("Payment fees (passed on, no VAT)"), settlement.payment_fees),
        (_("Net paid out to the shop"), settlement.net),
    ]
    for label, value in lines:
        pdf.cell(90, 5.5, label)
        pdf.cell(40, 5.5, "€ " + money(value), align="R", new_x="LMARGIN", new_y="NEXT")
