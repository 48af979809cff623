"""The gift card as an A4 PDF (fpdf2, the DejaVu fonts of the statements): the design's
colour band with its title and text, the amount, the code in groups, its QR code, the PIN
(when it has one) and the last day. Every text is drawn as plain text, so whatever
management or a buyer wrote prints as written and cannot change the document."""

import io
from decimal import Decimal
from pathlib import Path

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from marketplace.encrypted_fields import decrypt
from marketplace.qr import qr_png

from . import codes
from .models import GiftCard

# The statements' DejaVu fonts (marketplace/commission/fonts), read as files: no import of a
# package above this one.
FONTS = Path(__file__).resolve().parents[1] / "commission" / "fonts"


def rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return 31, 111, 92


def light(colour: tuple[int, int, int]) -> bool:
    red, green, blue = colour
    return red * 0.299 + green * 0.587 + blue * 0.114 > 150


def money(value: Decimal) -> str:
    return "€ " + number_format(value, 2, force_grouping=True)


def card_pdf(card: GiftCard, *, pin: str | None = None) -> bytes:
    if pin is None:
        pin = decrypt(card.pin_sealed) if card.pin_sealed else ""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSansCondensed.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    colour = rgb(card.colour)
    pdf.set_fill_color(*colour)
    pdf.rect(10, 10, 190, 60, style="F")
    pdf.set_text_color(*((20, 20, 20) if light(colour) else (255, 255, 255)))
    pdf.set_xy(18, 20)
    pdf.set_font("DejaVu", style="B", size=24)
    pdf.cell(174, 12, card.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(18)
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(120, 6, card.text)
    pdf.set_xy(130, 52)
    pdf.set_font("DejaVu", style="B", size=22)
    pdf.cell(62, 12, money(card.amount), align="R")
    pdf.set_text_color(20, 20, 20)
    pdf.set_xy(10, 80)
    if card.message:
        pdf.set_font("DejaVu", size=11)
        pdf.multi_cell(120, 6, card.message)
        pdf.ln(2)
    pdf.image(io.BytesIO(qr_png(codes.qr_text(card.code))), x=150, y=78, w=48)
    top = max(pdf.get_y(), 110)
    pdf.set_xy(10, top)
    pdf.set_font("DejaVu", size=10)
    pdf.cell(0, 6, _("Code"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", style="B", size=18)
    pdf.cell(0, 10, codes.shown(card.code), new_x="LMARGIN", new_y="NEXT")
    if pin:
        pdf.set_font("DejaVu", size=10)
        pdf.cell(0, 6, _("PIN (the shop asks for it)"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", style="B", size=16)
        pdf.cell(0, 9, pin, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    if card.expires_at:
        last_day = date_format(card.last_day, "DATE_FORMAT")
        pdf.cell(
            0, 6, _("Valid until %(date)s") % {"date": last_day}, new_x="LMARGIN", new_y="NEXT"
        )
    pdf.multi_cell(
        190,
        5,
        _(
            "Spend it in parts at every shop of the town centre that takes the city gift card. "
            "Check what is left on the gift card page of the marketplace."
        ),
    )
    return bytes(pdf.output())
