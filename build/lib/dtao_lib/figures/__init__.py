"""Figures of the book, one module per chapter.

Each function returns a :class:`dtao_lib.interactive.Figure` (static client-side chart + live
ipywidgets panel) or a plain altair chart / DataFrame. All numbers come from the mechanism
modules of :mod:`dtao_lib`; these modules only arrange and draw them.
"""
