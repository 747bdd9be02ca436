"""One module per schema revision, oldest first (``pos-transactions db history``)."""
