"""The authority registry: the legal bases a tariff measure can rest on, and which side uses each.

A measure names its authority; reports split effective rates and revenue by it, a court ruling
or a lapse can end every measure of one authority from a date, and a measure can skip the trade
that measures of another authority cover (Section 122 and the 2026 Section 301 duty do not apply
to goods under Section 232).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Authority:
    """A legal basis for tariffs.

    Attributes:
        name: the word a scenario file writes (``section_232``).
        label: the name a reader knows it by.
        directions: the sides that levy tariffs under it (``us_on_china``, ``china_on_us``).
    """

    name: str
    label: str
    directions: tuple[str, ...]


AUTHORITIES: dict[str, Authority] = {
    authority.name: authority
    for authority in (
        Authority("ieepa", "IEEPA (emergency powers)", ("us_on_china",)),
        Authority("section_301", "Section 301 (unfair trade practices)", ("us_on_china",)),
        Authority("section_232", "Section 232 (national security)", ("us_on_china",)),
        Authority("section_122", "Section 122 (balance of payments)", ("us_on_china",)),
        Authority("retaliation", "China's countermeasures (Customs Tariff Commission)", ("china_on_us",)),
        Authority("other", "authority not stated", ("us_on_china", "china_on_us")),
    )
}
"""Every authority, in report order."""

DEFAULT_AUTHORITY = "other"
"""A measure whose file names no authority."""


def authorities_of(direction: str) -> tuple[str, ...]:
    """The authorities one side levies tariffs under, in report order."""
    return tuple(name for name, authority in AUTHORITIES.items() if direction in authority.directions)


SIDE_NAMES = {"us_on_china": "US tariffs", "china_on_us": "China's tariffs"}
"""How an expectation names the side a list of authorities is for."""


def expected_by_side() -> str:
    """The authorities each side may name, for a message about one that neither does: a list of all of them offered
    a US measure China's countermeasures, which the side check then refused."""
    sides = [f"{', '.join(authorities_of(direction))} ({words})" for direction, words in SIDE_NAMES.items()]
    return f"expected one of: {sides[0]}; {sides[1]}"
