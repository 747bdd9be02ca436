"""LucidRetail's Receive-Case webhook: the second API a 3PP implements.

LucidRetail POSTs one JSON document per case a retailer received; we keep the raw
delivery, read it (`document`, with the METRC rule in `regulator`), and store the case, its
LucidIDs with their current METRC ids, and the brand/product/batch catalog (`storage`).
`cases` answers questions about what was received (the integration page, `lucid lookup`,
the audit); `views` is the HTTP endpoint and `send` plays LucidRetail's side of it.
"""
