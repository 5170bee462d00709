"""The input layer: YAML with locations, located problems, quantities, facts and sources, the parameter registry,
distributions, the scenario model, loading and ``extends``. Imports nothing else of the package.
"""
