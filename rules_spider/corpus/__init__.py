"""The labeled corpus of real documentation: doc sets, label records, rebuilding texts, sampling for labeling.

Labels live in the repository's ``data/`` as references (package, version, file, unit hash); the texts are
rebuilt from the installed Debian documentation packages, never stored.
"""
