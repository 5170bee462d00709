"""The model layer: dated tariff paths, the variable registry, the trade equations, observed data, the point projection,
result types and the backtest. Imports only :mod:`simulator.inputs`.
"""
