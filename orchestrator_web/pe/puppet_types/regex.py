"""Ruby regular expressions, for Puppet's Pattern type (orchestrator-api.md 6.1).

Puppet runs on Ruby, whose regexes are Onigmo's: `\\A`, `\\z`, `\\h`, `[[:alnum:]]`, `(?<name>...)`
and `\\p{...}` mean what Ruby says, `^` and `$` match at every line, and a Pattern matches when
the regex is found anywhere in the string (Ruby's `=~`). Oniguruma (through onigurumacffi)
reads them the same way; `(?DWS)` keeps `\\d`, `\\w` and `\\s` to ASCII as Ruby does, while
POSIX brackets and `\\p{...}` stay Unicode, as in Ruby.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import onigurumacffi

RUBY_ASCII_CLASSES = "(?DWS)"


@lru_cache(maxsize=1024)
def ruby_search(source: str) -> Callable[[str], bool] | None:
    """A function telling whether Ruby's `/source/` is found in a string, or None when the
    regex cannot be read here (PE then checks it itself)."""
    try:
        pattern = onigurumacffi.compile(RUBY_ASCII_CLASSES + source)
    except onigurumacffi.OnigError:
        return None

    def search(text: str) -> bool:
        return pattern.search(text) is not None

    return search
