"""Reads that may come before ``migrate``, told apart from reads that failed.

The record of processing and the checks are also made from the code alone, so a few reads fall
back to defaults where a table is not made yet. Only there: a lost connection or a refused query
must still fail, or an access copy would leave out what it could not read.
"""

from django.db import DatabaseError, connections, router


def table_missing(model) -> bool:
    """After a :class:`DatabaseError` reading ``model``: whether its table does not exist yet.

    ``False`` where the database cannot even be asked (the connection is gone), so that the
    caller raises the error it caught.
    """
    connection = connections[router.db_for_read(model)]
    try:
        return model._meta.db_table not in connection.introspection.table_names()
    except DatabaseError:
        return False
