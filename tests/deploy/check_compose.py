#!/usr/bin/python3
"""Offline check of deploy/compose.yaml (no Docker, no network).

Schema: the Compose Specification JSON schema that Debian's docker-compose package ships
(compose/config/compose_spec.json), applied with python3-jsonschema; then the server's
command-line flags are checked against server/main.cc, and the files it mounts against the
repository. --self-test: a misspelled key and a wrong type must be refused.

Usage: check_compose.py SOURCE_DIR [--self-test]
"""

import copy
import json
import os
import re
import sys

import jsonschema
import yaml

SCHEMA = "/usr/lib/python3/dist-packages/compose/config/compose_spec.json"
PENDING_FLAGS = set()  # issue #14; see check_k8s_manifests


def server_flags(source_dir):
    with open(os.path.join(source_dir, "server", "main.cc"), encoding="utf-8") as f:
        text = f.read()
    return set(re.findall(r"ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)\s*,", text)) | PENDING_FLAGS


def check(doc, source_dir, schema):
    errors = []
    # The file names draft 2019-09 as "http://json-schema.org/draft/2019-09/schema#".
    validator = jsonschema.Draft201909Validator(schema)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(p) for p in e.absolute_path) or "(top)"
        errors.append(f"compose.yaml {path}: {e.message}")
    if errors:
        return errors
    flags = server_flags(source_dir)
    server = doc["services"]["server"]
    command = server.get("command")
    text = " ".join(command) if isinstance(command, list) else str(command)
    for flag in re.findall(r"(?:^|\s)--(\w+)", text):
        if flag not in flags:
            errors.append(f"compose.yaml services.server.command: --{flag} is not a flag of "
                          "carereach-server (server/main.cc)")
    for volume in server.get("volumes") or []:
        source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
        if source.startswith("./") and not os.path.exists(
                os.path.join(source_dir, "deploy", source)):
            errors.append(f"compose.yaml services.server.volumes: {source} is not in deploy/")
    build = server.get("build") or {}
    dockerfile = os.path.join(source_dir, "deploy", build.get("context", "."),
                              build.get("dockerfile", "Dockerfile"))
    if build and not os.path.exists(dockerfile):
        errors.append(f"compose.yaml services.server.build: {dockerfile} does not exist")
    return errors


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    source_dir = sys.argv[1]
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    with open(os.path.join(source_dir, "deploy", "compose.yaml"), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if len(sys.argv) == 3:
        cases = []
        broken = copy.deepcopy(doc)
        broken["services"]["postgres"]["restrt"] = broken["services"]["postgres"].pop("restart")
        cases.append(("misspelled key restrt", broken, "services.postgres: 'restrt' does not match"))
        broken = copy.deepcopy(doc)
        broken["services"]["postgres"]["healthcheck"]["retries"] = "many"
        cases.append(("retries as a string", broken, "healthcheck.retries"))
        broken = copy.deepcopy(doc)
        broken["services"]["server"]["command"][0] += " --listen_port=1"
        cases.append(("unknown server flag", broken, "--listen_port is not a flag"))
        failures = 0
        for label, broken, expect in cases:
            errors = check(broken, source_dir, schema)
            hit = [e for e in errors if expect in e]
            print(f"self-test: {label}: {'refused' if hit else 'NOT REFUSED'}: "
                  f"{hit[0] if hit else errors}")
            failures += 0 if hit else 1
        return 1 if failures else 0
    errors = check(doc, source_dir, schema)
    for e in errors:
        print(e)
    print(f"compose.yaml: {len(doc.get('services', {}))} services: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
