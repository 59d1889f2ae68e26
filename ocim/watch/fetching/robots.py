"""robots.txt as RFC 9309 defines it: which paths a crawler may fetch, and the crawl delay.

The parser reads the groups that name our product token (``OcimBot`` from
``OCIM_FETCH_USER_AGENT``), or the ``*`` groups when none does; several matching groups are
merged. A path is allowed unless its longest matching rule is a ``disallow`` (``allow`` wins a
tie); ``*`` stands for any run of characters and a final ``$`` anchors the end. The non-standard
``crawl-delay`` of the chosen groups is kept, capped by the caller.

Matching never uses regular expressions built from the file: a rule is split on ``*`` into
literal pieces looked up left to right with ``str.find``, so a hostile file cannot make the
matcher backtrack. Files are read up to ``MAX_BYTES`` (the RFC asks crawlers to read at least
500 KiB), rules are capped in number and length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

MAX_BYTES = 512 * 1024
MAX_RULES = 10_000
MAX_RULE_LENGTH = 2_000
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# Characters kept as they are when a rule is normalised: RFC 3986 reserved and unreserved
# characters, the percent sign of existing escapes and the rules' own ``*`` and ``$``.
_SAFE = "/?#[]@!$&'()*+,;=:-._~%"


def product_token(user_agent: str) -> str:
    """The product token of a User-Agent header: ``OcimBot`` for ``OcimBot/1.0 (+https://…)``."""
    token = user_agent.strip().split("/", 1)[0].split(None, 1)
    return token[0] if token else ""


def _normalise(path: str) -> str:
    """Percent-encode what needs it (non-ASCII as UTF-8) and upper-case existing escapes, so a
    rule and a path written differently compare equal."""
    encoded = quote(path, safe=_SAFE)
    return _ESCAPE.sub(lambda match: match.group(0).upper(), encoded)


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str  # normalised, without the final "$"
    anchored: bool  # ended with "$"

    @property
    def priority(self) -> int:
        # RFC 9309 §2.2.2: the most specific rule is the one with the most octets.
        return len(self.pattern) + (1 if self.anchored else 0)

    def matches(self, path: str) -> bool:
        pieces = self.pattern.split("*")
        first, *rest = pieces
        if not path.startswith(first):
            return False
        if not rest:
            return not self.anchored or path == first
        position = len(first)
        *middle, last = rest
        for piece in middle:
            found = path.find(piece, position)
            if found < 0:
                return False
            position = found + len(piece)
        if self.anchored:
            return path.endswith(last) and len(path) - len(last) >= position
        return path.find(last, position) >= 0


@dataclass(frozen=True)
class RobotsRules:
    rules: tuple[Rule, ...] = ()
    crawl_delay: float | None = None
    # True when robots.txt could not be read for a server error: everything is disallowed
    # until it can be (RFC 9309 §2.3.1.4).
    unavailable: bool = False

    @classmethod
    def allow_all(cls) -> RobotsRules:
        return cls()

    @classmethod
    def disallow_all(cls) -> RobotsRules:
        return cls(unavailable=True)

    def allowed(self, path: str) -> bool:
        """Whether ``path`` (path and query of the URL, as requested) may be fetched."""
        if self.unavailable:
            return False
        normalised = _normalise(path or "/")
        if normalised == "/robots.txt":
            return True
        best = None
        for rule in self.rules:
            if rule.matches(normalised) and (
                best is None
                or rule.priority > best.priority
                or (rule.priority == best.priority and rule.allow and not best.allow)
            ):
                best = rule
        return best is None or best.allow

    @classmethod
    def parse(cls, content: bytes | str, user_agent: str) -> RobotsRules:
        """The rules of ``content`` that apply to ``user_agent`` (its product token)."""
        if isinstance(content, bytes):
            content = content[:MAX_BYTES].decode("utf-8", errors="replace")
        content = content.lstrip("\ufeff")
        token = product_token(user_agent).lower()
        groups: list[tuple[list[str], list[tuple[str, str]]]] = []
        agents: list[str] = []
        lines: list[tuple[str, str]] = []
        for raw in content.splitlines():
            line = raw.split("#", 1)[0].strip()
            if ":" not in line:
                continue
            key, value = line.split(":", 1)
            key = key.strip().lower().replace("_", "-")
            value = value.strip()
            if key == "user-agent":
                if lines:  # a user-agent line after rules starts a new group
                    groups.append((agents, lines))
                    agents, lines = [], []
                agents.append(value.split("/", 1)[0].strip().lower())
            elif key in ("allow", "disallow", "crawl-delay") and agents:
                lines.append((key, value))
        if agents:
            groups.append((agents, lines))

        chosen = [lines for names, lines in groups if token and token in names]
        if not chosen:
            chosen = [lines for names, lines in groups if "*" in names]
        rules: list[Rule] = []
        delay = None
        for lines in chosen:
            for key, value in lines:
                if key == "crawl-delay":
                    try:
                        seconds = float(value)
                    except ValueError:
                        continue
                    if seconds >= 0 and seconds == seconds:  # not NaN
                        delay = seconds if delay is None else max(delay, seconds)
                    continue
                if not value or len(rules) >= MAX_RULES:
                    continue  # an empty "disallow:" allows everything: no rule
                value = value[:MAX_RULE_LENGTH]
                anchored = value.endswith("$")
                pattern = _normalise(value[:-1] if anchored else value)
                pattern = re.sub(r"\*+", "*", pattern)
                if not pattern.startswith(("/", "*")):
                    pattern = "/" + pattern
                rules.append(Rule(allow=key == "allow", pattern=pattern, anchored=anchored))
        return cls(rules=tuple(rules), crawl_delay=delay)
