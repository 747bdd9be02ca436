"""The built-in POS adapters, one module per native format.

They register through the ``pos_transactions.adapters`` entry-point group in ``setup.cfg``,
the same way a vendor's own adapter package does.  Field-by-field documentation of each
format is in ``adapters/README.md``.
"""
