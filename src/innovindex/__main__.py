import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the modules load: the same line as later on
    sys.stderr.write("interrupted (Ctrl-C)\n")
    sys.exit(130)

sys.exit(main())
