# Runs a Pulumi Python program for this repository's pulumi-language-python (see main.go beside this file), which
# starts it as `python -c <this script> --monitor … --engine … [options] <program> [args…]` in the program's
# directory, with the stack's configuration in PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS.
#
# Pulumi's Python SDK (the `pulumi` package from PyPI) holds the runtime but no launcher: this script configures the
# runtime from its arguments, then runs the program (a directory's __main__.py, or a .py file) as `__main__` inside
# the stack resource, as a Python program of `pulumi up` expects.
#
# Exit status: 0 when the program finished; 32 when it failed and the error has been sent to the engine's log (the
# host then tells the CLI to add nothing); 1 when the SDK cannot be imported (the message is on stderr).
import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

ERROR_REPORTED = 32

try:
    import pulumi
    import pulumi.runtime
except ImportError as missing:
    print(
        f"The Pulumi Python SDK is not installed for {sys.executable} ({missing}). Install it into the environment "
        "the program runs with (the project's runtime option `virtualenv`, else the python3 on PATH): "
        "pip install pulumi",
        file=sys.stderr,
    )
    sys.exit(1)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pulumi-language-python run", description="Runs a Pulumi Python program.")
    for name in ("monitor", "engine", "project", "stack", "organization", "root-directory"):
        parser.add_argument(f"--{name}")
    parser.add_argument("--parallel", type=int, default=0)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("program", help="a directory holding __main__.py, or a .py file")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the program's own arguments")
    return parser.parse_args()


def user_traceback(program: str) -> str:
    """The current exception's traceback from the program's main file on (the frames above it are this script's and
    the SDK's); all of it when the program's file is not in it (an error of the SDK's own)."""
    main_file = os.path.join(program, "__main__.py") if os.path.isdir(program) else program
    frames = traceback.extract_tb(sys.exc_info()[2])
    for index, frame in enumerate(frames):
        if os.path.isabs(frame.filename) and os.path.normpath(frame.filename) == os.path.normpath(main_file):
            return traceback.format_exc(limit=-(len(frames) - index))
    return traceback.format_exc()


def main() -> int:
    args = arguments()

    # Configuration first: the program reads it through pulumi.Config as soon as it starts.
    pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            organization=args.organization,
            root_directory=args.root_directory,
            parallel=args.parallel or None,
            dry_run=args.dry_run,
        )
    )

    program = os.path.abspath(args.program)
    sys.argv = [program, *args.args]

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # The SDK sends its RPCs from the loop's default executor: as many workers as the engine runs steps at once.
    executor = ThreadPoolExecutor(max_workers=4 * args.parallel) if args.parallel > 0 else None
    if executor is not None:
        loop.set_default_executor(executor)
    # A failed program leaves futures nobody awaits; asyncio would log each of them at exit.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    status = ERROR_REPORTED
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
        status = 0
    except pulumi.RunError as error:
        pulumi.log.error(str(error))
    except Exception:  # noqa: BLE001 - whatever the program raised is the user's error to show
        pulumi.log.error("Program failed with an unhandled exception:\n" + user_traceback(program))
    finally:
        if executor is not None:
            executor.shutdown(wait=True)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
