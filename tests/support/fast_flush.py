"""Transactional tests empty every table after each test (Django's flush). On PostgreSQL
that is one TRUNCATE of all ~170 tables, which makes new files for each table and index and
took 5-6 s per test here; a DELETE of the few rows a test leaves takes milliseconds. Django
makes its foreign keys DEFERRABLE INITIALLY DEFERRED and flush runs its statements in one
transaction, so the deletes may come in any order."""

from django.db.backends.postgresql.operations import DatabaseOperations

truncate = DatabaseOperations.sql_flush


def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or allow_cascade:  # what only TRUNCATE does
        return truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(table)};" for table in tables]


def delete_instead_of_truncate() -> None:
    DatabaseOperations.sql_flush = sql_flush
