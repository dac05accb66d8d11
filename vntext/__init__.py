"""The Vietnamese text toolkit: normalization, diacritic folding, document numbers, dates, segmentation.

Ground floor: ingest, search and graph all call it (search on every query), so it depends on nothing
of theirs.
"""
