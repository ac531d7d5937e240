"""Data entry: single values by form, the Excel template, file uploads and upload batches."""
