"""Planning tool for Yunnan's 2022 vocational-training notice (云人社通〔2022〕8号).

Data flows one way: tables in → validated frames (``loader``) → model → result tables →
checks / exports / UI.
"""

__version__ = "0.1.0"
