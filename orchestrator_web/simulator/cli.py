"""Command line of the stand-in orchestrator."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from .server import SimulatorHTTPServer
from .state import DEFAULT_CATALOGUE, DEFAULT_RBAC, Simulator


def _json_file(value: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(value).read_text())
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {value}: {exc.strerror}") from None
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise argparse.ArgumentTypeError(f"{value} must hold a JSON object")
    return data


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orchestrator_simulator", description="Run the stand-in PE orchestrator (orchestrator-api.md)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8143, help="port (default 8143, like PE)")
    parser.add_argument("--catalogue", type=_json_file, help=f"plans JSON file (default {DEFAULT_CATALOGUE.name})")
    parser.add_argument(
        "--rbac", type=_json_file, help=f"users, roles and tokens JSON file (default {DEFAULT_RBAC.name})"
    )
    parser.add_argument("--cert", help="serve HTTPS with this certificate chain (PEM)")
    parser.add_argument("--key", help="private key for --cert (PEM)")
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="run plans, and reach scheduled runs, this many times faster (default 1)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request (paths only, never tokens)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if bool(args.cert) != bool(args.key):
        print("--cert and --key go together", file=sys.stderr)
        return 2
    if args.speed <= 0:
        print("--speed must be positive", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(message)s")
    try:
        sim = Simulator(catalogue=args.catalogue, rbac=args.rbac, speed=args.speed)
        httpd = SimulatorHTTPServer(
            (args.host, args.port), sim, certfile=args.cert, keyfile=args.key, quiet=not args.verbose
        )
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot start the stand-in orchestrator: {exc}", file=sys.stderr)
        return 1
    scheme = "https" if args.cert else "http"
    print(f"Stand-in orchestrator on {scheme}://{args.host}:{httpd.server_address[1]}/orchestrator/v1", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        httpd.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        httpd.server_close()
    return 0
