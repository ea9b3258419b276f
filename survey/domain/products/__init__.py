"""Eco-labelled products: the certified list, the barcodes that name them, and what a survey found.

- `gtin`: reading a GTIN-8, -12 or -13 and checking its GS1 check digit.
"""
