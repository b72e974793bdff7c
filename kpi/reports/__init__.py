"""Reports: the briefing deck (deck.py) as PowerPoint, Word (Decree 30) and Excel; the ranking workbook;
the one safe spreadsheet writer (spreadsheet.py); who signs (settings.py)."""
