"""examples/protocol-analysis.ipynb executes top to bottom (nbclient, a fresh kernel from this
venv) and shows what it promises: a nacked message, an unacked one, plots."""

import shutil
from pathlib import Path
from typing import Any, List

import pytest

nbformat = pytest.importorskip("nbformat")  # installed by run.sh: never skipped there
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "protocol-analysis.ipynb"


def texts(cell: Any) -> List[str]:
    out = []
    for o in cell.get("outputs", []):
        if "text" in o:
            out.append(o["text"])
        out.append(o.get("data", {}).get("text/plain", ""))
        out.append(o.get("data", {}).get("text/html", ""))
    return out


def test_the_committed_notebook_has_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 10
    assert all(c.get("outputs") for c in code), "every code cell shows its output"


@pytest.mark.timeout(240)
def test_the_notebook_executes_without_error(tmp_path: Path) -> None:
    copy = tmp_path / NOTEBOOK.name
    shutil.copy(NOTEBOOK, copy)
    nb = nbformat.read(copy, as_version=4)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = []
    nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    joined = "\n".join(t for c in code for t in texts(c))
    assert 'status="acked", transmissions=2' in joined  # the nacked message
    assert 'status="failed", reason="no_ack", transmissions=4' in joined  # acks dropped
    assert "unacked: 1" in joined and "requests_answered: 1" in joined
    pngs = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    assert pngs == 2  # timeline and latency
    assert "truncated last line" in joined and "bogus" in joined
