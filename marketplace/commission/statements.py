"""A shop's statement of one settlement, as CSV and as PDF (fpdf2), with the same figures."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from marketplace.spreadsheet_cells import neutralise_row

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
        order=payout.fulfilment.order.number,
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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(neutralise_row([_("Shop"), settlement.shop.partner.name]))
    writer.writerow([_("Period"), settlement.period_start.isoformat(), period_end(settlement)])
    writer.writerow(neutralise_row(headers()))
    for row in [*statement_rows(settlement), total_row(settlement)]:
        writer.writerow([*neutralise_row([row.order, row.date]), *row.figures()])
    return out.getvalue()


def period_end(settlement: Settlement) -> str:
    """The last day of the period (the model keeps the first day after it)."""
    from datetime import timedelta

    return (settlement.period_end - timedelta(days=1)).isoformat()


WIDTHS = (34, 22, 22, 20, 24, 24, 22, 22)


def statement_pdf(settlement: Settlement) -> bytes:
    """An A4 landscape statement; amounts in euros. Core fonts hold Latin-1 only, so the
    currency is named in the heading rather than printed as €."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    title = _("Statement %(shop)s, %(start)s to %(end)s") % {
        "shop": settlement.shop.partner.name,
        "start": settlement.period_start.isoformat(),
        "end": period_end(settlement),
    }
    pdf.cell(0, 10, latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 6, latin(_("Amounts in EUR")), new_x="LMARGIN", new_y="NEXT")
    table_row(pdf, headers(), bold=True)
    for row in statement_rows(settlement):
        table_row(pdf, [row.order, row.date, *map(str, row.figures())])
    total = total_row(settlement)
    table_row(pdf, [total.order, "", *map(str, total.figures())], bold=True)
    return bytes(pdf.output())


def table_row(pdf: FPDF, cells: list[str], *, bold: bool = False) -> None:
    pdf.set_font("Helvetica", style="B" if bold else "", size=9)
    for index, (cell, width) in enumerate(zip(cells, WIDTHS, strict=True)):
        pdf.cell(width, 7, latin(cell), border=1, align="L" if index < 2 else "R")
    pdf.ln()


def latin(text: str) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")
