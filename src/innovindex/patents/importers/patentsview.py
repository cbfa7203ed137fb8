"""PatentsView granted-patent bulk tables (TSV as published, or Parquet)."""


def import_patentsview(files, **kw):  # placeholder
    raise NotImplementedError
