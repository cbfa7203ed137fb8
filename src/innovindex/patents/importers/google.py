"""Google Patents publications exports."""


def import_google(files, **kw):  # placeholder
    raise NotImplementedError
