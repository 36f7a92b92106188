"""Elman Lab's science: the network, its tasks and their measurements. No Qt here, ever."""

from elman_core.model.network import ElmanNetwork, NetworkConfig
from elman_core.model.trace import StepTrace

__all__ = ["ElmanNetwork", "NetworkConfig", "StepTrace"]
# The one version: pyproject.toml reads this line (hatch's version source), and so does the
# bundle's packaging/plan.py.
__version__ = "0.1.0"
