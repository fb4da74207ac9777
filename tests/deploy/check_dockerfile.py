#!/usr/bin/python3
"""Offline checks of deploy/Dockerfile against the repository (no Docker, no network).

  - every COPY/ADD source (build context = repository root) exists, and .dockerignore does not
    exclude it nor any file the repository tracks;
  - files the RUN lines take from the context (/src/...) exist;
  - the targets the builder builds exist (add_executable) and the paths it installs from are
    their output names;
  - each shared library the built binaries load directly (readelf NEEDED) comes from a Debian
    package that the runtime stage installs or that debian:bookworm-slim has;
  - the runtime stage runs as a non-root user and EXPOSEs the ports deploy/k8s names.

Usage: check_dockerfile.py SOURCE_DIR BINARY...   (BINARY: the built carereach-server, carereach)
"""

import fnmatch
import glob
import os
import re
import subprocess
import sys

# Packages of debian:bookworm-slim that carereach's binaries load from (Essential or required
# by apt/dpkg there).
SLIM_BASE = {"libc6", "libstdc++6", "libgcc-s1", "zlib1g", "libzstd1", "liblzma5", "libbz2-1.0",
             "libselinux1", "libpcre2-8-0", "libmd0", "libcrypt1", "libgmp10"}


def instructions(text):
    """[(stage index, instruction, argument string)], continuation lines joined."""
    out, stage, current = [], -1, ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip("\\").rstrip() + " " if line.endswith("\\") else line
        if line.endswith("\\"):
            continue
        word, _, rest = current.strip().partition(" ")
        word = word.upper()
        if word == "FROM":
            stage += 1
        out.append((stage, word, rest.strip()))
        current = ""
    return out


def ignore_patterns(source_dir):
    path = os.path.join(source_dir, ".dockerignore")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]


def ignored(rel, patterns):
    """Docker's rule, the parts used here: a pattern matches the path or one of its parents;
    the last matching pattern wins, and `!pattern` re-includes."""
    result = False
    parts = rel.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for p in patterns:
        negate = p.startswith("!")
        pat = p[1:] if negate else p
        pat = pat.strip("/")
        if any(fnmatch.fnmatchcase(prefix, pat) for prefix in prefixes):
            result = not negate
    return result


def tracked_files(source_dir):
    try:
        out = subprocess.run(["git", "-C", source_dir, "ls-files"], capture_output=True,
                             check=True, text=True).stdout
        return [l for l in out.splitlines() if l]
    except (subprocess.CalledProcessError, FileNotFoundError):
        files = []
        for root, dirs, names in os.walk(source_dir):
            dirs[:] = [d for d in dirs if d != ".git" and not d.startswith("build")]
            files += [os.path.relpath(os.path.join(root, n), source_dir) for n in names]
        return files


def needed_packages(binary, errors):
    out = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        errors.append(f"readelf -d {binary}: {out.stderr.strip()}")
        return {}
    libs = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out.stdout)
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=False).stdout
    paths = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, re.M))
    candidates = {}
    for lib in libs:
        path = paths.get(lib)
        if path is None or path == "not":
            errors.append(f"{binary}: ldd cannot resolve {lib}")
            continue
        real = os.path.realpath(path)
        candidates[lib] = [path, real, re.sub(r"^/lib/", "/usr/lib/", real),
                           re.sub(r"^/usr/lib/", "/lib/", real)]
    # One dpkg -S for every path (it prints "package: path" for those it knows).
    every = sorted({c for cs in candidates.values() for c in cs})
    dpkg = subprocess.run(["dpkg", "-S", *every], capture_output=True, text=True, check=False)
    owner = {}
    for line in dpkg.stdout.splitlines():
        package, _, owned = line.partition(": ")
        owner[owned.strip()] = package.strip()
    result = {}
    for lib, cs in candidates.items():
        package = next((owner[c] for c in cs if c in owner), None)
        if package is None:
            errors.append(f"{binary}: no Debian package owns {lib} ({cs[1]})")
            continue
        result[lib] = package
    return result


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    source_dir, binaries = sys.argv[1], sys.argv[2:]
    errors = []
    with open(os.path.join(source_dir, "deploy", "Dockerfile"), encoding="utf-8") as f:
        steps = instructions(f.read())
    patterns = ignore_patterns(source_dir)
    stages = max(s for s, _, _ in steps) + 1
    if stages < 2:
        errors.append("Dockerfile: expected a builder and a runtime stage")

    for stage, word, rest in steps:
        if word not in ("COPY", "ADD"):
            continue
        args = [a for a in rest.split() if not a.startswith("--")]
        if any(a.startswith("--from") for a in rest.split()):
            continue
        for src in args[:-1]:
            rel = os.path.normpath(src).lstrip("./") or "."
            if rel == ".":
                continue
            if not glob.glob(os.path.join(source_dir, rel)):
                errors.append(f"Dockerfile: {word} {src}: not in the repository")
            elif ignored(rel, patterns):
                errors.append(f"Dockerfile: {word} {src}: excluded by .dockerignore")

    run_text = " ".join(rest for _, word, rest in steps if word == "RUN")
    for ref in sorted(set(re.findall(r"/src/([\w./-]+)", run_text))):
        if not os.path.exists(os.path.join(source_dir, ref)):
            errors.append(f"Dockerfile: RUN uses /src/{ref}: not in the repository")
    for ref in sorted(set(re.findall(r"(?<![/\w])((?:deploy|scripts)/[\w./-]+)", run_text))):
        if not os.path.exists(os.path.join(source_dir, ref)):
            errors.append(f"Dockerfile: RUN uses {ref}: not in the repository")

    for rel in tracked_files(source_dir):
        if ignored(rel, patterns):
            errors.append(f".dockerignore excludes {rel}, which the repository tracks")

    # Targets built and the paths installed from.
    cmake_text = ""
    for path in glob.glob(os.path.join(source_dir, "**", "CMakeLists.txt"), recursive=True):
        if os.path.relpath(path, source_dir).startswith("build"):
            continue
        with open(path, encoding="utf-8") as f:
            cmake_text += f"\n#FILE {os.path.relpath(os.path.dirname(path), source_dir)}\n" + f.read()
    for target in re.findall(r"--target ([\w ]+?)(?: \\|&&|$)", run_text):
        for name in target.split():
            if not re.search(rf"add_executable\({name}\b", cmake_text):
                errors.append(f"Dockerfile: --target {name}: no add_executable({name})")
    for built in re.findall(r"/build/([\w/.-]+)", run_text):
        directory, output = os.path.split(built)
        block = re.search(rf"#FILE {re.escape(directory)}\n(.*?)(?=\n#FILE |\Z)", cmake_text,
                          re.S)
        if block is None or not re.search(rf"OUTPUT_NAME {re.escape(output)}\b", block.group(1)):
            errors.append(f"Dockerfile: installs /build/{built}, which no target in "
                          f"{directory}/CMakeLists.txt names as its OUTPUT_NAME")

    # Runtime packages.
    runtime_run = " ".join(rest for s, word, rest in steps if word == "RUN" and s == stages - 1)
    installed = set()
    match = re.search(r"apt-get install (.*?)(?:&&|$)", runtime_run)
    if match:
        installed = {w for w in match.group(1).split() if not w.startswith("-")}
    for binary in binaries:
        if not os.path.exists(binary):
            errors.append(f"{binary}: not built (build carereach_server and carereach first)")
            continue
        for lib, package in sorted(needed_packages(binary, errors).items()):
            arch_free = package.split(":")[0]
            if arch_free not in installed and arch_free not in SLIM_BASE:
                errors.append(f"{os.path.basename(binary)} loads {lib} from package {arch_free}, "
                              "which the runtime stage does not install")

    final = [(word, rest) for s, word, rest in steps if s == stages - 1]
    users = [rest for word, rest in final if word == "USER"]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        errors.append("Dockerfile: the runtime stage must end as a non-root USER")
    exposed = {p.split("/")[0] for word, rest in final if word == "EXPOSE" for p in rest.split()}
    k8s_ports = set()
    for path in glob.glob(os.path.join(source_dir, "deploy", "k8s", "*.yaml")):
        with open(path, encoding="utf-8") as f:
            k8s_ports |= set(re.findall(r"containerPort: (\d+)", f.read()))
    if exposed != k8s_ports:
        errors.append(f"Dockerfile: EXPOSE {sorted(exposed)} but deploy/k8s's containerPorts are "
                      f"{sorted(k8s_ports)}")

    for e in errors:
        print(e)
    print(f"Dockerfile: {len(steps)} instructions in {stages} stages, runtime packages "
          f"{len(installed)}, binaries {len(binaries)}: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
