#!/usr/bin/python3
"""Offline schema check of the Kubernetes manifests in deploy/k8s (no cluster, no network).

Schema: the model classes of Debian's python3-kubernetes (22.6.0, generated from the Kubernetes
1.22 OpenAPI spec). Each model lists its fields (attribute_map: JSON name) with their types
(openapi_types) and raises on a missing required field; this walks every document against them:
an unknown field, a wrong type or a missing required field is an error naming its path.

Newer than 1.22, and so added here from the Kubernetes API reference:
  - Probe.grpc (GRPCAction: port int32, required; service string), GA in 1.27;
  - autoscaling/v2 HorizontalPodAutoscaler, GA in 1.23 with the schema of autoscaling/v2beta2,
    so it is checked against the V2beta2 models.

Beyond the schema, checks between the documents: selectors select a pod template, the HPA
targets a Deployment here, every volumeMount has its volume, every ConfigMap referred to is
here, container args are flags of carereach-server, *.textproto ConfigMap entries parse as
carereach.v1.RegionsConfig (protoc --encode), and configmap-regions.yaml holds exactly
deploy/regions.textproto.

Usage: check_k8s_manifests.py SOURCE_DIR            check SOURCE_DIR/deploy/k8s/*.yaml
       check_k8s_manifests.py SOURCE_DIR --self-test  prove the checks fail on broken input
"""

import copy
import glob
import inspect
import os
import re
import subprocess
import sys
import tempfile

import kubernetes.client as k8s
import yaml

KINDS = {
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "Secret"): "V1Secret",
    ("v1", "Service"): "V1Service",
    ("v1", "ServiceAccount"): "V1ServiceAccount",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("apps/v1", "Deployment"): "V1Deployment",
    ("apps/v1", "StatefulSet"): "V1StatefulSet",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "V2beta2HorizontalPodAutoscaler",
    ("networking.k8s.io/v1", "NetworkPolicy"): "V1NetworkPolicy",
}

# Fields and models newer than the packaged client: {model: {json field: type}}.
EXTRA_FIELDS = {"V1Probe": {"grpc": "V1GRPCAction"}}
EXTRA_MODELS = {"V1GRPCAction": ({"port": "int", "service": "str"}, {"port"})}

# Flags being added to carereach-server by issue #14 (store, metrics, logs); drop each from
# here once server/main.cc has it.
PENDING_FLAGS = set()

_model_cache = {}


def model_schema(name):
    """{json field: type string}, {required json fields} of a model class."""
    if name in _model_cache:
        return _model_cache[name]
    if name in EXTRA_MODELS:
        result = EXTRA_MODELS[name]
    else:
        cls = getattr(k8s, name)
        fields, required = {}, set()
        for attr, json_name in cls.attribute_map.items():
            fields[json_name] = cls.openapi_types[attr]
            setter = getattr(cls, attr).fset
            if setter is not None and "must not be `None`" in inspect.getsource(setter):
                required.add(json_name)
        fields.update(EXTRA_FIELDS.get(name, {}))
        result = (fields, required)
    _model_cache[name] = result
    return result


def check_value(value, type_name, path, errors):
    if type_name.startswith("list["):
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list ({type_name}), got {type(value).__name__}")
            return
        for i, item in enumerate(value):
            check_value(item, type_name[5:-1], f"{path}[{i}]", errors)
        return
    match = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if match:
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a map ({type_name}), got {type(value).__name__}")
            return
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append(f"{path}: key {key!r} is not a string")
            check_value(item, match.group(1), f"{path}.{key}", errors)
        return
    simple = {"str": (str,), "int": (int,), "bool": (bool,), "float": (int, float),
              "datetime": (str,), "date": (str,)}
    if type_name in simple:
        ok = isinstance(value, simple[type_name])
        if type_name in ("int", "float") and isinstance(value, bool):
            ok = False
        if not ok:
            errors.append(f"{path}: expected {type_name}, got {type(value).__name__} {value!r}")
        return
    if type_name == "object":  # IntOrString, RawExtension: any JSON value
        return
    fields, required = model_schema(type_name)
    if not isinstance(value, dict):
        errors.append(f"{path}: expected an object ({type_name}), got {type(value).__name__}")
        return
    for key, item in value.items():
        if key not in fields:
            errors.append(f"{path}.{key}: unknown field of {type_name}")
            continue
        check_value(item, fields[key], f"{path}.{key}", errors)
    for key in sorted(required - set(value)):
        errors.append(f"{path}.{key}: required field of {type_name} is missing")


def check_schema(doc, where, errors):
    if not isinstance(doc, dict):
        errors.append(f"{where}: not a mapping")
        return
    key = (doc.get("apiVersion"), doc.get("kind"))
    if key not in KINDS:
        errors.append(f"{where}: apiVersion/kind {key[0]}/{key[1]} is not one this check knows "
                      f"({', '.join(sorted(f'{a}/{b}' for a, b in KINDS))})")
        return
    name = (doc.get("metadata") or {}).get("name")
    if not isinstance(name, str) or not name:
        errors.append(f"{where}: metadata.name is missing")
    check_value(doc, KINDS[key], f"{where} {key[1]}", errors)


def server_flags(source_dir):
    with open(os.path.join(source_dir, "server", "main.cc"), encoding="utf-8") as f:
        text = f.read()
    return set(re.findall(r"ABSL_FLAG\(\s*[\w:<>]+\s*,\s*(\w+)\s*,", text)) | PENDING_FLAGS


def pod_spec(doc):
    if doc.get("kind") in ("Deployment", "StatefulSet"):
        return ((doc.get("spec") or {}).get("template") or {}).get("spec") or {}
    return None


def template_labels(doc):
    return (((doc.get("spec") or {}).get("template") or {}).get("metadata") or {}).get(
        "labels") or {}


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_relations(docs, source_dir, errors):
    """docs: [(where, doc)] of schema-valid documents."""
    flags = server_flags(source_dir)
    workloads = [(w, d) for w, d in docs if d.get("kind") in ("Deployment", "StatefulSet")]
    configmaps = {d["metadata"]["name"]: (w, d) for w, d in docs if d.get("kind") == "ConfigMap"}
    deployments = {d["metadata"]["name"] for _, d in docs if d.get("kind") == "Deployment"}

    for where, doc in workloads:
        match = ((doc["spec"].get("selector") or {}).get("matchLabels")) or {}
        if not selects(match, template_labels(doc)):
            errors.append(f"{where}: spec.selector.matchLabels {match} do not select the pod "
                          f"template's labels {template_labels(doc)}")
        spec = pod_spec(doc)
        volumes = {v["name"]: v for v in spec.get("volumes") or []}
        for v in volumes.values():
            ref = (v.get("configMap") or {}).get("name")
            if ref is not None and ref not in configmaps:
                errors.append(f"{where}: volume {v['name']} needs ConfigMap {ref}, not here")
        for c in spec.get("containers") or []:
            ports = {p.get("name") for p in c.get("ports") or [] if p.get("name")}
            for m in c.get("volumeMounts") or []:
                if m["name"] not in volumes:
                    errors.append(f"{where}: container {c['name']} mounts volume {m['name']}, "
                                  "which the pod does not have")
            for e in c.get("env") or []:
                ref = ((e.get("valueFrom") or {}).get("configMapKeyRef") or {})
                if ref:
                    cm = configmaps.get(ref.get("name"))
                    if cm is None:
                        errors.append(f"{where}: env {e['name']} needs ConfigMap {ref.get('name')}"
                                      ", not here")
                    elif ref.get("key") not in (cm[1].get("data") or {}):
                        errors.append(f"{where}: env {e['name']}: ConfigMap {ref.get('name')} has "
                                      f"no key {ref.get('key')}")
            for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
                probe = c.get(probe_name) or {}
                for action in ("tcpSocket", "httpGet"):
                    port = (probe.get(action) or {}).get("port")
                    if isinstance(port, str) and port not in ports:
                        errors.append(f"{where}: {probe_name}.{action}.port {port} is not a "
                                      f"port name of container {c['name']}")
            for arg in (c.get("args") or []) + (c.get("command") or [])[1:]:
                if not isinstance(arg, str) or not arg.startswith("--"):
                    continue
                flag = arg[2:].split("=", 1)[0]
                if flag.startswith("no"):
                    flag = flag[2:] if flag[2:] in flags else flag
                if flag not in flags:
                    errors.append(f"{where}: container {c['name']}: {arg} is not a flag of "
                                  "carereach-server (server/main.cc)")

    for where, doc in docs:
        kind = doc.get("kind")
        if kind in ("Service", "PodDisruptionBudget"):
            selector = doc["spec"].get("selector") or {}
            if kind == "PodDisruptionBudget":
                selector = selector.get("matchLabels") or {}
            if not any(selects(selector, template_labels(d)) for _, d in workloads):
                errors.append(f"{where}: {kind} selector {selector} selects no pod template here")
        if kind == "HorizontalPodAutoscaler":
            ref = doc["spec"]["scaleTargetRef"]
            if ref.get("kind") != "Deployment" or ref.get("name") not in deployments:
                errors.append(f"{where}: scaleTargetRef {ref.get('kind')}/{ref.get('name')} is "
                              "no Deployment here")


def check_textprotos(docs, source_dir, errors):
    proto_dir = os.path.join(source_dir, "proto")
    with open(os.path.join(source_dir, "deploy", "regions.textproto"), encoding="utf-8") as f:
        default_regions = f.read()
    for where, doc in docs:
        if doc.get("kind") != "ConfigMap":
            continue
        for key, text in (doc.get("data") or {}).items():
            if not key.endswith(".textproto"):
                continue
            result = subprocess.run(
                ["protoc", f"-I{proto_dir}", "--encode=carereach.v1.RegionsConfig",
                 "carereach/v1/region_config.proto"],
                input=text.encode(), capture_output=True, check=False)
            if result.returncode != 0:
                errors.append(f"{where}: data.{key} is not a carereach.v1.RegionsConfig: "
                              f"{result.stderr.decode().strip()}")
            if doc["metadata"]["name"] == "carereach-regions" and text != default_regions:
                errors.append(f"{where}: data.{key} differs from deploy/regions.textproto "
                              "(regenerate it: see the comment at the top of the file)")


def load(paths, errors):
    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            try:
                loaded = list(yaml.safe_load_all(f))
            except yaml.YAMLError as e:
                errors.append(f"{path}: not YAML: {e}")
                continue
        for i, doc in enumerate(loaded):
            if doc is not None:
                docs.append((f"{os.path.basename(path)}#{i + 1}", doc))
    return docs


def check(docs, source_dir):
    errors = []
    valid = []
    for where, doc in docs:
        before = len(errors)
        check_schema(doc, where, errors)
        if len(errors) == before:
            valid.append((where, doc))
    check_relations(valid, source_dir, errors)
    check_textprotos(valid, source_dir, errors)
    return errors


def self_test(docs, source_dir):
    """Each broken copy must be refused, with the error naming the field."""
    def find(kind, name=None):
        for where, doc in docs:
            if doc.get("kind") == kind and (name is None or doc["metadata"]["name"] == name):
                return where, doc
        raise SystemExit(f"self-test: no {kind} {name or ''} in the manifests")

    def container(doc):
        return doc["spec"]["template"]["spec"]["containers"][0]

    cases = []

    def case(label, kind, name, mutate, expect):
        where, doc = find(kind, name)
        broken = copy.deepcopy(doc)
        mutate(broken)
        others = [(w, d) for w, d in docs if d is not doc]
        cases.append((label, others + [(where, broken)], expect))

    case("misspelled field spec.replcas", "Deployment", "carereach",
         lambda d: d["spec"].update(replcas=d["spec"].pop("replicas")),
         "spec.replcas: unknown field of V1DeploymentSpec")
    case("replicas as a string", "Deployment", "carereach",
         lambda d: d["spec"].update(replicas="two"), "spec.replicas: expected int, got str")
    case("misspelled field deep in a probe", "Deployment", "carereach",
         lambda d: container(d)["readinessProbe"].update(periodSecond=5),
         "readinessProbe.periodSecond: unknown field of V1Probe")
    case("container without its required name", "Deployment", "carereach",
         lambda d: container(d).pop("name"), "containers[0].name: required field of V1Container")
    case("grpc probe port as a string", "Deployment", "carereach",
         lambda d: container(d).update(livenessProbe={"grpc": {"port": "grpc"}}),
         "livenessProbe.grpc.port: expected int, got str")
    case("grpc probe without its port", "Deployment", "carereach",
         lambda d: container(d).update(livenessProbe={"grpc": {"service": ""}}),
         "livenessProbe.grpc.port: required field of V1GRPCAction")
    case("labels as a list", "Service", "carereach",
         lambda d: d["metadata"].update(labels=["app"]), "metadata.labels: expected a map")
    case("HPA field of autoscaling/v1 under v2", "HorizontalPodAutoscaler", None,
         lambda d: d["spec"].update(targetCPUUtilizationPercentage=70),
         "spec.targetCPUUtilizationPercentage: unknown field")
    case("unknown apiVersion", "PodDisruptionBudget", "carereach",
         lambda d: d.update(apiVersion="policy/v1beta2"), "is not one this check knows")
    case("a flag the server does not have", "Deployment", "carereach",
         lambda d: container(d)["args"].append("--listen_port=50051"),
         "--listen_port=50051 is not a flag of carereach-server")
    case("Service selecting no pods", "Service", "carereach",
         lambda d: d["spec"]["selector"].update({"carereach.io/region-group": "nowhere"}),
         "selects no pod template")
    case("region config that does not parse", "ConfigMap", "carereach-regions-michigan",
         lambda d: d["data"].update({"regions.textproto": "region { nme: \"x\" }\n"}),
         "is not a carereach.v1.RegionsConfig")

    failures = 0
    for label, broken_docs, expect in cases:
        errors = check(broken_docs, source_dir)
        hit = [e for e in errors if expect in e]
        status = "refused" if hit else "NOT REFUSED"
        print(f"self-test: {label}: {status}: {hit[0] if hit else errors}")
        failures += 0 if hit else 1
    return failures


def main():
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] != "--self-test"):
        print(__doc__, file=sys.stderr)
        return 2
    source_dir = sys.argv[1]
    paths = sorted(glob.glob(os.path.join(source_dir, "deploy", "k8s", "*.yaml")))
    if not paths:
        print("no manifests in deploy/k8s", file=sys.stderr)
        return 1
    load_errors = []
    docs = load(paths, load_errors)
    if load_errors:
        print("\n".join(load_errors))
        return 1
    if len(sys.argv) == 3:
        failures = self_test(docs, source_dir)
        print(f"self-test: {failures} broken manifests accepted")
        return 1 if failures else 0
    errors = check(docs, source_dir)
    for e in errors:
        print(e)
    kinds = sorted({d["kind"] for _, d in docs})
    print(f"{len(docs)} documents in {len(paths)} files ({', '.join(kinds)}): "
          f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
