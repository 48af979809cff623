"""Gift cards a person bought, in their data export; on account deletion the cards stay
(they are money someone may still spend, and the ledger keeps them) but no longer name the
buyer (legal.personal_data finds this module)."""

from legal.personal_data import plain

from .models import Entry, GiftCard


def export(*, user) -> dict[str, list[dict]]:
    return {
        "gift_cards": [
            {
                "card": f"…{card.code[-4:]}",
                "amount": plain(card.amount),
                "balance": plain(card.balance),
                "status": card.status,
                "sent_to": card.email,
                "message": card.message,
                "bought_at": plain(card.created_at),
            }
            for card in GiftCard.objects.filter(buyer=user).order_by("pk")
        ]
    }


def forget(*, user) -> None:
    GiftCard.objects.filter(buyer=user).update(buyer=None, email="", message="")
    Entry.objects.filter(created_by=user).update(created_by=None)
