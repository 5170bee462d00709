"""The uncertainty layer: Monte Carlo draws, truce renewals, quantiles, the tornado, sweeps and where parallel work
runs. Imports only the inputs and the model.
"""
