"""Reports: the daily tally read back, files to download, the written report, the public summary.

- `tally`: the figures of a local day, by activity and booth, with totals.
- `exports`, `sheets`, `lists`: XLSX and CSV files; `registry` lets activity kinds add lists
  and follow-ups of their own.
- `written`: the printable written report of the city, a district or a department.
- `public`: the public summary page's figures, with small counts withheld.
"""
