"""Reads that may come before ``migrate``, told apart from reads that failed.

The record of processing is also made from the code alone, so a few reads fall back to defaults
where a table is not made yet. Only there: a lost connection or a refused query must still
fail, or an access copy would leave out a connected system, or the retention sweep would give
every form the site's default retention.
"""

from django.db import DatabaseError

#: What each database says of a table that does not exist.
_UNDEFINED_TABLE_SQLSTATE = "42P01"  # PostgreSQL
_NO_SUCH_TABLE_ERRNO = 1146  # MySQL and MariaDB
_NO_SUCH_TABLE_TEXT = "no such table"  # SQLite


def table_missing(error: DatabaseError) -> bool:
    """Whether ``error`` (raised by a query) says that a table it reads does not exist yet.

    Read from the error itself, not by asking the database again: that works inside a failed
    transaction too, and always concerns the query that failed.
    """
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate:
        return sqlstate == _UNDEFINED_TABLE_SQLSTATE
    args = getattr(cause, "args", ())
    if args and args[0] == _NO_SUCH_TABLE_ERRNO:
        return True
    return str(error).startswith(_NO_SUCH_TABLE_TEXT)
