#!/usr/bin/env python3
"""Writes src/serve/models.json: the parts of botocore's service models that
`faultline serve` needs to speak the AWS wire protocols for the operations of
faultline's catalogue (their input and output shapes, and each service's
protocol metadata).

Usage: faultline catalogue | python3 scripts/gen_wire_models.py > src/serve/models.json

Reads `service api` lines on stdin (CLI service name, API operation name)
and the models of the installed botocore (`pip install awscli`). A test
(`serve::model::tests`) fails when an operation of the catalogue is missing.
"""
import json
import sys

import botocore
import botocore.session

KEEP = ("type", "timestampFormat", "flattened", "locationName", "min", "max")
MEMBER_KEEP = ("shape", "locationName", "queryName", "flattened", "jsonvalue")


def protocol(meta):
    """The protocol botocore speaks to the service: the first of the model's
    `protocols` it supports, in its order of preference."""
    from botocore.utils import PRIORITY_ORDERED_SUPPORTED_PROTOCOLS as order
    offered = meta.get("protocols", [meta["protocol"]])
    for p in order:
        if p in offered:
            return p
    return meta["protocol"]


def main():
    wanted = {}
    for line in sys.stdin:
        parts = line.split()
        if len(parts) >= 2:
            wanted.setdefault(parts[0], set()).add(parts[1])
    session = botocore.session.get_session()
    out = {"botocore": botocore.__version__, "services": {}}
    for service in sorted(wanted):
        model = session.get_service_model(service)
        raw = session.get_component("data_loader").load_service_model(service, "service-2")
        meta = raw["metadata"]
        shapes = {}
        ops = {}

        def walk(name):
            if name in shapes:
                return
            s = raw["shapes"][name]
            t = {k: s[k] for k in KEEP if k in s}
            shapes[name] = t
            if s["type"] == "structure":
                t["members"] = []
                for m, ref in s.get("members", {}).items():
                    r = {k: ref[k] for k in MEMBER_KEEP if k in ref}
                    r["name"] = m
                    t["members"].append(r)
                    walk(ref["shape"])
            elif s["type"] == "list":
                t["member"] = {k: s["member"][k] for k in MEMBER_KEEP if k in s["member"]}
                walk(s["member"]["shape"])
            elif s["type"] == "map":
                t["key"] = {k: s["key"][k] for k in MEMBER_KEEP if k in s["key"]}
                t["value"] = {k: s["value"][k] for k in MEMBER_KEEP if k in s["value"]}
                walk(s["key"]["shape"])
                walk(s["value"]["shape"])

        for api in sorted(wanted[service]):
            op = raw["operations"].get(api)
            if op is None:
                sys.exit(f"{service} has no operation {api} in botocore {botocore.__version__}")
            o = {}
            if "input" in op:
                o["input"] = op["input"]["shape"]
                walk(op["input"]["shape"])
            if "output" in op:
                o["output"] = op["output"]["shape"]
                if "resultWrapper" in op["output"]:
                    o["resultWrapper"] = op["output"]["resultWrapper"]
                walk(op["output"]["shape"])
            ops[api] = o
        out["services"][service] = {
            "protocol": protocol(meta),
            "protocols": meta.get("protocols", [meta["protocol"]]),
            "jsonVersion": meta.get("jsonVersion"),
            "targetPrefix": meta.get("targetPrefix"),
            "signingName": meta.get("signingName", meta["endpointPrefix"]),
            "endpointPrefix": meta["endpointPrefix"],
            "apiVersion": meta["apiVersion"],
            "xmlNamespace": meta.get("xmlNamespace"),
            "queryCompatible": "awsQueryCompatible" in meta,
            "timestampFormat": meta.get("timestampFormat"),
            "operations": ops,
            "shapes": dict(sorted(shapes.items())),
        }
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"), sort_keys=False)
    sys.stdout.write("\n")


main()
