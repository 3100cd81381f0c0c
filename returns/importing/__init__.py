"""Importing returned figures: long files (admin Import, `import_returns`) and one force's
wide table (from its request's page), all through `resource.FigureResource`."""
