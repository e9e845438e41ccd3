"""grades.csv to Canvas and Moodle gradebook imports: every grade placed, every problem named."""

import csv

import pytest

from autograder import lms

GRADES = [
    {"student": "ada", "score": "17.0", "max_score": "17", "status": "graded", "message": ""},
    {"student": "Bob", "score": "0.0", "max_score": "17", "status": "timeout", "message": "cell 4 ran past 120 s"},
]
CANVAS = [
    {"Student": "    Points Possible", "ID": "", "SIS User ID": "", "SIS Login ID": "", "Section": "",
     "Old quiz (11)": "5"},
    {"Student": "Lovelace, Ada", "ID": "101", "SIS User ID": "s1", "SIS Login ID": "ada", "Section": "A",
     "Old quiz (11)": "4"},
    {"Student": "Builder, Bob", "ID": "102", "SIS User ID": "s2", "SIS Login ID": "bob", "Section": "B",
     "Old quiz (11)": "3"},
    {"Student": "Absent, Cy", "ID": "103", "SIS User ID": "s3", "SIS Login ID": "cy", "Section": "B",
     "Old quiz (11)": "2"},
]


def write(path, rows, bom=False):
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_import_has_identity_columns_points_and_scores(tmp_path):
    grades, roster = write(tmp_path / "grades.csv", GRADES), write(tmp_path / "export.csv", CANVAS, bom=True)
    ungraded = lms.export("canvas", grades, roster, tmp_path / "out.csv", "Attention (1234)")
    rows = read(tmp_path / "out.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Attention (1234)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "17"]
    assert rows[2:] == [["Lovelace, Ada", "101", "s1", "ada", "A", "17.0"],
                        ["Builder, Bob", "102", "s2", "bob", "B", "0.0"],  # names match without case
                        ["Absent, Cy", "103", "s3", "cy", "B", ""]]  # blank: Canvas keeps what it had
    assert ungraded == ["cy"]


def test_moodle_import_has_identifier_grade_and_feedback(tmp_path):
    roster = [{"First name": "Ada", "Email address": "ada"}, {"First name": "Bob", "Email address": "bob"},
              {"First name": "Cy", "Email address": "cy"}]
    out = tmp_path / "out.csv"
    lms.export("moodle", write(tmp_path / "grades.csv", GRADES), write(tmp_path / "r.csv", roster), out, "Attention")
    assert read(out) == [["Email address", "Attention", "Attention (feedback)"],
                         ["ada", "17.0", "graded."],
                         ["bob", "0.0", "timeout. cell 4 ran past 120 s."]]


def test_a_student_missing_from_the_roster_stops_the_export_by_name(tmp_path):
    grades = write(tmp_path / "grades.csv", GRADES + [dict(GRADES[0], student="zoë")])
    with pytest.raises(lms.ExportError, match="zoë"):
        lms.export("canvas", grades, write(tmp_path / "r.csv", CANVAS), tmp_path / "out.csv", "A")
    assert not (tmp_path / "out.csv").exists()


def test_a_name_twice_in_the_roster_is_refused(tmp_path):
    roster = write(tmp_path / "r.csv", CANVAS + [dict(CANVAS[1], ID="999")])
    with pytest.raises(lms.ExportError, match="more than once.*ada"):
        lms.export("canvas", write(tmp_path / "g.csv", GRADES), roster, tmp_path / "out.csv", "A")


def test_the_command_reports_a_wrong_match_column_and_exits_2(tmp_path, capsys):
    grades, roster = write(tmp_path / "g.csv", GRADES), write(tmp_path / "r.csv", CANVAS)
    code = lms.main(["canvas", str(grades), "--roster", str(roster), "--out", str(tmp_path / "o.csv"),
                     "--column", "A", "--match", "Email"])
    assert code == 2
    assert "no column 'Email'" in capsys.readouterr().err
    assert lms.main(["canvas", str(grades), "--roster", str(roster), "--out", str(tmp_path / "o.csv"),
                     "--column", "A"]) == 0
    assert "1 learner(s) of the roster have no grade" in capsys.readouterr().out
