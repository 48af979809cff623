"""QR codes as PNG images, for the order e-mails and the shop's hand-over page."""

import io

import qrcode


def pickup_qr_png(*, order_number: str, part_id: int, code: str) -> bytes:
    """A QR code the shop scans instead of typing the pickup code."""
    return qr_png(f"STADSMARKT:{order_number}:{part_id}:{code}")


def qr_png(text: str) -> bytes:
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
