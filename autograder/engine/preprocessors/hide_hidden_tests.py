"""Feedback: hidden test cells show neither their code nor their lines in tracebacks."""

import re

from nbgrader.preprocessors import NbGraderPreprocessor

HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"


class HideHiddenTests(NbGraderPreprocessor):
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or HIDDEN_BEGIN not in cell.source:
            return cell, resources
        secret = {line.strip() for line in cell.source.splitlines() if len(line.strip()) > 3}
        points = cell.metadata.get("nbgrader", {}).get("points", "")
        cell.source = (f"# Hidden tests ({points} points): they ran when your notebook was graded;"
                       " their code is not shown.")
        kept = []
        for out in cell.outputs:
            if out.output_type != "error":
                continue
            plain = [re.sub(r"\x1b\[[0-9;]*m", "", entry) for entry in out.traceback]
            out.traceback = [entry for entry, text in zip(out.traceback, plain, strict=True)
                             if not any(line in text for line in secret)] or [f"{out.ename}: {out.evalue}"]
            if not re.sub(r"\x1b\[[0-9;]*m", "", out.traceback[-1]).rstrip().endswith(str(out.evalue)):
                out.traceback.append(f"{out.ename}: {out.evalue}")
            kept.append(out)
        cell.outputs = kept
        return cell, resources
