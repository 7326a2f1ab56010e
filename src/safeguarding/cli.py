"""The `safeguarding` console script: Django's management commands under one name."""

import os
import sys


def main() -> None:
    # The demo's settings differ from the local ones only in making two-factor authentication
    # optional for its synthetic users (settings/demo.py); every other command runs as local.
    demo = sys.argv[1:2] == ["demo"]
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE", f"safeguarding.settings.{'demo' if demo else 'local'}"
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeguarding", *sys.argv[1:]])


if __name__ == "__main__":
    main()
