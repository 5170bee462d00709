"""Write ``seed-shingles.txt`` and ``reference-shingles.txt``: a hash of every run of eight words in the seed
articles and in the sourced reference notes, never their text.

Both live outside the repository (``../shared/seeds`` and ``../shared/reference``) and are not ours to
copy; the hashes let the test suite check, in any clone, that no run of eight words of them appears
in our own prose. Run once from the top of the checkout when either changes:

    python tests/data/make_seed_shingles.py ../shared
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


OUTPUTS = {"seeds/*.txt": "seed-shingles.txt", "reference/*.md": "reference-shingles.txt"}
"""Which files of the shared folder are hashed into which file of ``tests/data``."""


def main(shared: str) -> None:
    for pattern, name in OUTPUTS.items():
        found: set[str] = set()
        for path in sorted(Path(shared).glob(pattern)):
            found |= shingles(path.read_text(encoding="utf-8"))
        target = Path(__file__).with_name(name)
        target.write_text("\n".join(sorted(found)) + "\n", encoding="utf-8")
        print(f"{len(found)} shingles written to {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared")
