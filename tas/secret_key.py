"""How much randomness a secret key holds, and whether a person typed it (docs/security.md B11,
J45). Pure: no Flask.

Nobody can measure the entropy of one string; what can be said is how much it could hold at
most, given the characters it is written in, and whether it shows the marks of a person rather
than a random source. So a key is strong when both hold:

- its length times the bits each character can carry (4 for hexadecimal, 6 for base64 or
  base64url, about 6.5 for any printable ASCII) reaches 256 bits: 64 hex characters, or the 43
  of `secrets.token_urlsafe(32)`;
- it carries no words or runs a person would type: no word of 7 letters or more, words of 4
  letters or more covering no more than 9 of its characters (or a fifth of a longer key), no
  sequence of 12 characters or more, and no repeat adding 12 characters or more to its first
  occurrence (zxcvbn finds them).

The thresholds were set by measuring 20,000 keys from each of `secrets.token_hex(32)`,
`token_hex(64)`, `token_urlsafe(32)` and `token_urlsafe(48)`: none of the 80,000 tripped a rule
(chance words there were at most 6 letters, covering at most 8 characters; chance runs at most
10 characters), while keys made of phrases ("test-only-secret-key-...", or
"ThisIsMyProductionSecretKeyForTas2026!" made longer) trip them. A later run met a 64-character
`token_urlsafe(48)` key with three chance 4-letter words (12 characters: "IGOR", "What",
"Duel"), so a longer key may hold chance words over a fifth of its length.
"""

from __future__ import annotations

import math
import string

from zxcvbn.matching import dictionary_match, repeat_match, sequence_match

MIN_BITS = 256
HEX = frozenset(string.hexdigits)
BASE64 = frozenset(string.ascii_letters + string.digits + "+/-_")
PRINTABLE = frozenset(string.printable) - frozenset(string.whitespace)
LONGEST_CHANCE_WORD = 6
MOST_CHANCE_WORD_CHARACTERS = 9
LONGEST_CHANCE_RUN = 11
MIN_WORD = 4


def bits_per_character(key: str) -> float:
    """The most each character of this key can carry, judged by the alphabet it is written in."""
    body = key.rstrip("=")  # base64 padding carries nothing
    characters = set(body)
    if characters <= HEX:
        return 4.0
    if characters <= BASE64:
        return 6.0
    return math.log2(len(PRINTABLE))


def most_bits(key: str) -> int:
    """An upper bound on the key's entropy: its length times the bits per character."""
    return int(len(key.rstrip("=")) * bits_per_character(key))


def _as_typed(token: str) -> bool:
    """A word written the way people write words: lower case, Title case or UPPER case.
    Random keys spell chance words in mixed case ("weDDed"); people do not."""
    return token.isalpha() and (token.islower() or token.istitle() or token.isupper())


def typed_words(key: str) -> list[dict]:
    """Dictionary words of 4 letters or more in the key, as a person would write them (zxcvbn
    matches: the word is "token", its first and last positions "i" and "j")."""
    return [
        match
        for match in dictionary_match(key)
        if len(match["token"]) >= MIN_WORD and _as_typed(match["token"])
    ]


def _covered(words: list[dict]) -> int:
    """How many of the key's characters belong to one word or more."""
    return len({position for word in words for position in range(word["i"], word["j"] + 1)})


def longest_run(key: str) -> int:
    """The longest sequence ("0123", "abcd") in the key, or the most characters a repeat adds
    after its first occurrence ("abcabc" adds 3, "aaaa" adds 3). A repeat is counted this way
    because its first occurrence is as random as the rest: a random hex key holds a 6-character
    repeat ("17f3f317f3f3") about once in 250,000 keys, and it is not a person's mark."""
    repeats = [len(match["token"]) - len(match["base_token"]) for match in repeat_match(key)]
    sequences = [len(match["token"]) for match in sequence_match(key)]
    return max([*repeats, *sequences], default=0)


def secret_key_weakness(key: str | None) -> str | None:
    """Why this key is not strong enough for production, in a few words; None when it is."""
    if not key:
        return "it is empty"
    bits = most_bits(key)
    if bits < MIN_BITS:
        return f"it can hold at most {bits} bits of randomness, and {MIN_BITS} are needed"
    words = typed_words(key)
    if any(len(word["token"]) > LONGEST_CHANCE_WORD for word in words) or (
        _covered(words) > max(MOST_CHANCE_WORD_CHARACTERS, len(key) // 5)
    ):
        # Never quote the words: they are part of the secret.
        return "it contains words a person chose"
    if longest_run(key) > LONGEST_CHANCE_RUN:
        return "it contains a long repeat or sequence of characters"
    return None
