"""Technology transfer (成果转化) computations, pure Python and Polars, no Django.

Modules: ``licences`` (the licence terms file of contracts/transfer-data.md, validated), ``ledger_files``
(revenue reports, payments and milestone events read from CSV), ``dues`` (what is due as of a date).
"""
