"""An app with personal data nobody declared, for the end-to-end system-check test.

Installed only by ``tests.settings_undeclared``; the main test settings never load it.
"""
