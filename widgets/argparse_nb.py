"""argparse in Norwegian, for `kurs`, without changing argparse for anybody else.

`NorwegianParser` writes «bruk:», «argumenter», «valg» and its own help texts, and turns
argparse's English error messages into Norwegian ones before printing them.
"""

from __future__ import annotations

import argparse
import re
import sys

_ERRORS = [
    (r"the following arguments are required: (.*)", r"disse argumentene mangler: \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"ugyldig valg: \1 (velg blant \2)"),
    (r"unrecognized arguments: (.*)", r"ukjente argumenter: \1"),
    (r"expected one argument", "trenger én verdi"),
    (r"invalid \S+ value: (.*)", r"ugyldig verdi: \1"),
    (r"ambiguous option: (.*) could match (.*)", r"tvetydig valg: \1 kan bety \2"),
    (r"^argument (\S+): (.*)", r"argumentet \1: \2"),
    (r"not allowed with argument (.*)", r"kan ikke brukes sammen med \1"),
]


def _norwegian(message: str) -> str:
    for pattern, replacement in _ERRORS:
        message = re.sub(pattern, replacement, message)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "bruk: " if prefix is None else prefix)


class NorwegianParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "valg"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="vis denne hjelpeteksten og avslutt")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: feil: {_norwegian(message)}\n")
