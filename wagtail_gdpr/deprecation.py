"""Old module paths that still work for one release, with a warning that names the new one."""

import warnings

#: The release that removes the old paths.
REMOVED_IN = "0.3"


def moved(old: str, new: str) -> None:
    """Warn, at import of the old module ``old``, that its contents are now in ``new``."""
    warnings.warn(
        f"{old} moved to {new}; the old path goes in wagtail-gdpr {REMOVED_IN}.",
        DeprecationWarning,
        stacklevel=3,
    )
