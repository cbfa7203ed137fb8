"""Reading inputs (iData, iMeta, pipelines) and writing outputs atomically."""
