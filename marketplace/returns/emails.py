"""Return e-mails: to the consumer (request confirmed, refund made) and to the shop (a new
return). Dutch first, then English, like the order e-mails."""

from logistics.emails import shop_addresses
from marketplace.mail import recipient_of, send_templated
from shops.hours import schedule_for

from .models import ReturnRequest

KINDS = {"requested", "refunded", "shop_new"}
DAYS_NL = ("ma", "di", "wo", "do", "vr", "za", "zo")


def send_return_email(return_id: int, kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown e-mail {kind!r}")
    request = ReturnRequest.objects.select_related(
        "part__order__user", "part__shop__partner", "slot"
    ).get(pk=return_id)
    part = request.part
    context = {
        "request": request,
        "part": part,
        "order": part.order,
        "lines": request.lines.select_related("order_line"),
        "hours": [(DAYS_NL[day], o, c) for day, o, c in schedule_for(part.shop).weekly],
    }
    template = f"returns/emails/{kind}"
    if kind == "shop_new":
        for address in shop_addresses(part.shop):
            send_templated(to=address, template=template, context=context)
    else:
        send_templated(to=recipient_of(part.order), template=template, context=context)
