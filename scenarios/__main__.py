"""`python -m scenarios` runs the command line."""

from .cli import main

main()
