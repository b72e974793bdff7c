"""Imports: readers (CSV, the Excel template, GSO province-by-year tables), validation naming file, row
and column, and the merge of valid rows into a new snapshot; the Excel template itself."""
