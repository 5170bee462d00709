"""Regenerate the generated tables of docs/model.md: the parameter registry, the estimates, the in-sample fit and
the out-of-sample skill. Run after `simulate fit` and `simulate backtest`: python docs/tables.py"""

from pathlib import Path

from simulator.inputs.parameters import markdown_table
from simulator.model.estimation import fit
from simulator.outputs.skill import docs_blocks, with_blocks
from simulator.uncertainty.scores import read_cache

DOCS = Path(__file__).resolve().parent / "model.md"


def main() -> None:
    kept = read_cache()
    if kept is None:
        raise SystemExit("no kept backtest: run `simulate backtest` first")
    text = DOCS.read_text(encoding="utf-8")
    blocks = {"parameters": markdown_table(), **docs_blocks(fit(), kept[1])}
    DOCS.write_text(with_blocks(text, blocks), encoding="utf-8")
    print(f"Updated {len(blocks)} tables in {DOCS}.")


if __name__ == "__main__":
    main()
