"""The receipt that goes with the e-mail saying the goods are ready at the shop or hub, or
delivered (marketplace.ordering.emails)."""

from .receipt_pdf import receipt_pdf
from .receipts import ReceiptNotAvailable, issue_receipt

# The e-mails that carry the part's receipt as a PDF.
RECEIPT_EMAILS = frozenset({"ready", "at_hub", "delivered"})


def receipt_attachments(*, part_id: int, kind: str) -> list[tuple[str, bytes, str]]:
    """[(file name, PDF, content type)] for an e-mail that carries the receipt, else []."""
    if kind not in RECEIPT_EMAILS:
        return []
    try:
        receipt = issue_receipt(part_id=part_id)
    except ReceiptNotAvailable:
        return []
    name = f"bon-{receipt.content['order_number']}-{receipt.display_number}.pdf"
    return [(name, receipt_pdf(receipt), "application/pdf")]
