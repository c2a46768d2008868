"""``python -m thirdroad``: the same as the ``thirdroad`` command."""

from thirdroad.cli import main

if __name__ == "__main__":
    main(prog_name="thirdroad")
