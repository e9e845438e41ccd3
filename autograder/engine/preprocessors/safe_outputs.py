"""Feedback and the formgrader's copy: keep only inert outputs (text, PNG, JPEG); defuse HTML in markdown."""

import re

from nbgrader.preprocessors import NbGraderPreprocessor

INERT = ("text/plain", "image/png", "image/jpeg")


class SafeOutputs(NbGraderPreprocessor):
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            for out in cell.outputs:
                if "data" in out:
                    data = out["data"]
                    dropped = [k for k in data if k not in INERT]
                    for key in dropped:
                        del data[key]
                    if dropped and not data:
                        data["text/plain"] = f"[output of type {', '.join(dropped)} removed from feedback]"
        else:
            cell.source = re.sub(
                r"<(/?)(script|iframe|object|embed|meta|link|base|form|style|svg|math)\b",
                r"&lt;\1\2", cell.source, flags=re.IGNORECASE)
            cell.source = re.sub(r"(java|vb)script\s*:", r"\1script-blocked-", cell.source, flags=re.IGNORECASE)
            cell.source = re.sub(r"<[^>]*>", lambda tag: re.sub(r"\bon([a-z]+)\s*=", r"data-blocked-\1=",
                                                                tag.group(0), flags=re.IGNORECASE), cell.source)
            cell.pop("attachments", None)
        return cell, resources
