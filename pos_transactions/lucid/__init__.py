"""The LucidRetail client side: credentials, the Package-UID registry, CaseIDs, the audit.

Two of LucidRetail's APIs are ours to call (docs/lucidretail.md): the Package-UID export,
which tells us every LucidID in the retailer's imported packages, and the CaseID endpoints,
which a receiving clerk uses to link a received case to an inventory package.
"""
