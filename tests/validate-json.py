#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validate vdpactl JSON documents against src/vdpactl.schema.json.

Usage: validate-json.py FILE... (or - for standard input). Each FILE must hold exactly one JSON
document. Prints the first violation of each invalid file and exits 1 if any is invalid.
"""
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "vdpactl.schema.json")


def main(argv):
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in argv[1:] or ["-"]:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            print(f"{path}: not one JSON document: {e}", file=sys.stderr)
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            where = "/".join(str(p) for p in e.path) or "(root)"
            print(f"{path}: {where}: {e.message}", file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
