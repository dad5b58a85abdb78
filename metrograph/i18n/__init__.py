"""The page's language: number and date formats, German collation."""
