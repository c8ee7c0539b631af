"""Human-readable names of the methods and demand classes (translatable)."""

# The engine has no Odoo environment: _() only marks messages for Odoo's extractor, and the
# Odoo layer translates them with self.env._(template, **params) when it shows them.
# pylint: disable=prefer-env-translation

from .translate import _

METHOD_LABELS = {
    "zero": _("No demand (zero forecast)"),
    "naive": _("Naive (last value)"),
    "seasonal_naive": _("Seasonal naive (same period last season)"),
    "historic_mean": _("Historic mean"),
    "recent_mean": _("Recent mean (moving average)"),
    "ses": _("Simple exponential smoothing"),
    "theta": _("Theta method"),
    "holt_damped": _("Holt's method with damped trend"),
    "holt_winters": _("Holt-Winters (seasonal, damped trend)"),
    "croston": _("Croston's method"),
    "sba": _("Syntetos-Boylan approximation (Croston, debiased)"),
    "tsb": _("Teunter-Syntetos-Babai (decaying demand probability)"),
    "adida": _("ADIDA (temporal aggregation)"),
    "imapa": _("IMAPA (multiple temporal aggregation)"),
    "comb_smooth": _("Combination: Theta, damped trend (trended demand)"),
    "comb_erratic": _("Combination: exponential smoothing, historic mean (no clear trend)"),
    "comb_intermittent": _("Combination: SBA, TSB, historic mean (intermittent demand)"),
}

CLASS_LABELS = {
    "smooth": _("Smooth"),
    "erratic": _("Erratic"),
    "intermittent": _("Intermittent"),
    "lumpy": _("Lumpy"),
    "new": _("New (short history)"),
    "inactive": _("Inactive (no demand)"),
}
