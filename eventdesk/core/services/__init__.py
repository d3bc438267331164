"""Domain actions: one function each, called by the HTML views, the JSON API and the CLI alike.

Services decide and write (flush), and raise `ServiceError` with a reason code; the
caller commits once.
"""
