"""Shared fixtures of the engine tests."""

import numpy as np
import pytest

from forecast_engine import methods as M


@pytest.fixture
def ctx():
    """Build a method context from rows of a panel (NaN = unknown), as fit_panel would."""

    def build(rows, horizon=3, season_length=1, origins=(), bt_horizon=1):
        Y = np.array(rows, dtype=float, ndmin=2)
        return M.Context(
            Y, ~np.isnan(Y), horizon, np.array(origins, dtype=int), bt_horizon, season_length
        )

    return build
