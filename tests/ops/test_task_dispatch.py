"""Tasks are sent only when the transaction that asked for them commits."""

import pytest
from django.db import transaction

from marketplace.celery import app

ran: list[str] = []


@app.task
def record(value: str) -> None:
    ran.append(value)


@pytest.fixture(autouse=True)
def clear():
    ran.clear()


@pytest.mark.django_db
def test_task_waits_for_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        record.delay("placed")
        assert ran == [], "nothing runs before the commit"
    assert len(callbacks) == 1
    assert ran == ["placed"]


@pytest.mark.django_db(transaction=True)
def test_task_of_a_rolled_back_transaction_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        record.delay("lost")
        raise RuntimeError("order failed")
    assert ran == []


@pytest.mark.django_db(transaction=True)
def test_task_outside_a_transaction_is_sent_at_once():
    result = record.delay("now")
    assert ran == ["now"]
    assert result.id
