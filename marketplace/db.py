from django.db import connection


def in_transaction() -> bool:
    """True inside an atomic block of our own code (a test case's wrapping block is ignored).

    Guards network calls: a call made while a transaction holds row locks would keep
    other buyers waiting on the network.
    """
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
