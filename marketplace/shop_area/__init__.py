"""The shop owner's area and the shops' public pages, where they compose several packages.

It sits above the domain packages (shops, inventory_sync, logistics, payments, commission,
ordering): it imports them, none of them imports it. It holds the URL configuration of the
shop area (`/shop/`, namespace `shop`) and of the shops' pages (`/shops/`, namespace
`shops`), the shop area's home and offer pages, and the application form (which shows what a
shop keeps of a sale under the default plan).
"""
