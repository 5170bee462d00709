"""The output layer: chart layout and the chart registry, scenario and comparison charts, provenance, pages and
templates, data files and manifests, report folders and the notebook types. Imports the three layers below.
"""
