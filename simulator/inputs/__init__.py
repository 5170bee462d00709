"""The input layer: YAML with locations, located problems, quantities, facts and sources, the parameter registry,
distributions, the scenario model, loading and ``extends``, the monthly Census data file and the Census API. Imports
nothing else of the package.
"""
