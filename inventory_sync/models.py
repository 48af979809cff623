# Stock truth (reservations, POS connections, sync log) arrives with the inventory issue.
