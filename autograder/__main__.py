"""Command-line entry point: ``python -m autograder {release,grade,bench,export-learner,lms} ...``."""

import importlib
import sys

COMMANDS = {
    "release": ("autograder.release", "regenerate notebooks/ (the student release) from solutions/"),
    "grade": ("autograder.engine.cli", "grade a class's submissions in isolation"),
    "bench": ("autograder.bench", "measure the grader's speed goals"),
    "export-learner": ("autograder.learner_kit", "write the learner repository (no solutions, tests or grader)"),
    "lms": ("autograder.lms", "turn grades.csv into a Canvas or Moodle gradebook import"),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"} or argv[0] not in COMMANDS:
        print("usage: python -m autograder {release,grade,bench,export-learner,lms} [options]\n")
        for name, (_, text) in COMMANDS.items():
            print(f"  {name:14} {text}")
        return 0 if argv and argv[0] in {"-h", "--help"} else 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
