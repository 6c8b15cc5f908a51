"""The access decision engine: pure Python, no Django.

The server, the edge controller and `vaultdoor access simulate` all run this same code.
"""
