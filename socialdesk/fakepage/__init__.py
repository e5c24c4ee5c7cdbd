"""A loopback server speaking the Graph API subset of DESIGN.md section 5 (demo and tests).

Shares no code with socialdesk.core: it is an independent implementation of the contract.
"""
