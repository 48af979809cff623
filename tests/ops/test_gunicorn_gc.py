"""The web workers' garbage collector (marketplace/observability/gunicorn_conf.py): once a
worker has loaded the app, what it loaded is frozen out of the collector's sight and the
first threshold raised; garbage cycles made afterwards are still collected."""

import gc
import weakref

from marketplace.observability import gunicorn_conf


class Node:
    pass


def test_a_loaded_worker_freezes_the_app_and_raises_the_threshold():
    before = gc.get_threshold()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_threshold() == (50_000, 20, 100)
        assert gc.get_freeze_count() > 10_000  # Django, Oscar and the app, as loaded here
        # A cycle made while serving is still garbage the collector finds.
        first, second = Node(), Node()
        first.other, second.other = second, first
        gone = weakref.ref(first)
        del first, second
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
