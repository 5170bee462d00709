"""Write ``seed-shingles.txt``: a hash of every run of eight words in the seed articles, never their text.

The seed articles live outside the repository (``../shared/seeds``) and are not ours to copy;
the hashes let the test suite check, in any clone, that no run of eight words of them appears
in our own prose. Run once from the top of the checkout when the seed articles change:

    python tests/data/make_seed_shingles.py ../shared/seeds
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

WORDS = 8


def shingles(text: str) -> set[str]:
    """Every run of :data:`WORDS` words (lower case, letters, digits and apostrophes), as a 16-hex-digit hash."""
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {
        hashlib.sha256(" ".join(words[index : index + WORDS]).encode()).hexdigest()[:16]
        for index in range(len(words) - WORDS + 1)
    }


def main(folder: str) -> None:
    found: set[str] = set()
    for path in sorted(Path(folder).glob("*.txt")):
        found |= shingles(path.read_text(encoding="utf-8"))
    target = Path(__file__).with_name("seed-shingles.txt")
    target.write_text("\n".join(sorted(found)) + "\n", encoding="utf-8")
    print(f"{len(found)} shingles written to {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/seeds")
