"""A stand-in for PE's orchestrator, built from orchestrator-api.md (standard library only, plus
onigurumacffi to read Puppet's regexes as Ruby does).

Run it alone with `python -m orchestrator_web.simulator` or `manage.py orchestrator_simulator`;
tests start it in-process with `StandIn`.
"""

from .server import Fault, StandIn
from .state import ManualClock, Simulator

__all__ = ["Fault", "ManualClock", "Simulator", "StandIn"]
