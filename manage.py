#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["orchestrator_simulator"]:
        # The stand-in needs none of the web app's settings (no SECRET_KEY, no database).
        from orchestrator_web.simulator.cli import main as simulator

        sys.exit(simulator(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orchestrator_web.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A bad environment variable: one clear line, not a traceback.
        print(f"Configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
