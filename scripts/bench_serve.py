#!/usr/bin/env python3
"""Throughput and scale of `faultline serve`, against moto_server.

    python3 scripts/bench_serve.py [--duration 10] [--connections 8] ...

What it does, all on loopback (127.0.0.1), every load bounded in time:

1. Starts `faultline serve <scenario> --speed 0` (one team, `bench`) and
   `moto_server`, each on a free port.
2. Prepares the same four calls for both: ECS DescribeServices and
   DescribeTasks (JSON 1.1), EC2 DescribeRouteTables (EC2 query, filtered on
   a VPC) and CloudWatch Logs FilterLogEvents (JSON 1.1, one log stream).
   faultline's ids come from the scenario's world (read with boto3 against
   the server). moto is given resources to hold first (boto3): a cluster, a
   task definition, a service, as many tasks as faultline's DescribeTasks
   names (Fargate RunTask: moto holds them once each container definition
   gives its memory), the default VPC's route tables, and a log group and
   stream with as many events as faultline's FilterLogEvents returns.
3. Checks that each prepared request answers 200 on both, then runs `wrk`
   for --duration seconds per call per server, with the same client settings,
   and prints requests/s and the ratio.
4. Scale: `faultline serve <largest scenario> --team t1 .. --team t50
   --speed 0`, RSS (VmRSS) after start, `wrk` spreading the four calls over
   all 50 teams (the access key id in each request's Authorization picks the
   team), latency p50/p99, RSS after the load.

Needs: a release build (`cargo build --release`), `wrk` (`apt-get install
wrk`), and moto with its server (`pip install 'moto[server]' boto3`).
It is a benchmark, not a test: it asserts nothing about time.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATE = "20261202T000000Z"
ECS_TARGET = "AmazonEC2ContainerServiceV20141113."
LOGS_TARGET = "Logs_20140328."
JSON11 = "application/x-amz-json-1.1"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            sys.exit(f"{what} exited ({proc.returncode}) before it listened on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not listen on 127.0.0.1:{port} within {timeout} s")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def auth(key, region, service):
    return (
        f"AWS4-HMAC-SHA256 Credential={key}/{DATE[:8]}/{region}/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0"
    )


class Call:
    """One prepared request: headers and body, the same for every send."""

    def __init__(self, name, service, content_type, body, target=None):
        self.name = name
        self.service = service
        self.content_type = content_type
        self.body = body
        self.target = target

    def headers(self, key, region):
        h = {
            "Content-Type": self.content_type,
            "X-Amz-Date": DATE,
            "Authorization": auth(key, region, self.service),
        }
        if self.target:
            h["X-Amz-Target"] = self.target
        return h


def calls_for(cluster, service, tasks, vpc, group, stream):
    return [
        Call(
            "DescribeServices",
            "ecs",
            JSON11,
            json.dumps({"cluster": cluster, "services": [service]}),
            ECS_TARGET + "DescribeServices",
        ),
        Call(
            "DescribeTasks",
            "ecs",
            JSON11,
            json.dumps({"cluster": cluster, "tasks": tasks}),
            ECS_TARGET + "DescribeTasks",
        ),
        Call(
            "DescribeRouteTables",
            "ec2",
            FORM,
            "Action=DescribeRouteTables&Version=2016-11-15"
            f"&Filter.1.Name=vpc-id&Filter.1.Value.1={vpc}",
        ),
        Call(
            "FilterLogEvents",
            "logs",
            JSON11,
            json.dumps({"logGroupName": group, "logStreamNames": [stream]}),
            LOGS_TARGET + "FilterLogEvents",
        ),
    ]


def send(url, call, key, region):
    req = urllib.request.Request(
        url + "/",
        data=call.body.encode(),
        headers=call.headers(key, region),
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def lua_string(s):
    return "[==[" + s + "]==]"


def wrk_script(path, variants):
    """A wrk script sending `variants` (a list of (headers, body)) in turn,
    printing a JSON summary line at the end."""
    # The requests are formatted in init(), once wrk has set its Host header.
    lines = ["local raw = {"]
    for headers, body in variants:
        hs = ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items())
        lines.append(f"  {{ {{{hs}}}, {lua_string(body)} }},")
    lines.append("}")
    lines.append(
        "local v = {}\n"
        "local i = 0\n"
        "setup = function(thread) thread:set('first', math.random(1, #raw)) end\n"
        "init = function(args)\n"
        "  for k, r in ipairs(raw) do v[k] = wrk.format('POST', '/', r[1], r[2]) end\n"
        "  i = (first or 1) - 1\n"
        "end\n"
        "request = function() i = i % #v + 1; return v[i] end"
    )
    lines.append(
        "done = function(s, lat, req)\n"
        "  io.write(string.format('WRKJSON {\"requests\": %d, \"duration_us\": %d, "
        "\"status_errors\": %d, \"socket_errors\": %d, \"p50_us\": %d, \"p90_us\": %d, "
        "\"p99_us\": %d, \"max_us\": %d}\\n', s.requests, s.duration, s.errors.status, "
        "s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout, "
        "lat:percentile(50), lat:percentile(90), lat:percentile(99), lat.max))\n"
        "end"
    )
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(url, script, args, connections=None, pid=None):
    c = connections or args.connections
    cpu0 = cpu_seconds(pid) if pid else None
    out = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{c}",
            f"-d{args.duration}s",
            "--timeout",
            "10s",
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=args.duration + 60,
    )
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            r = json.loads(line[len("WRKJSON "):])
            r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
            if pid:
                # The server's CPU per request: less sensitive than req/s to
                # what else the machine runs.
                r["cpu_us"] = (cpu_seconds(pid) - cpu0) / max(r["requests"], 1) * 1e6
            return r
    sys.exit(f"wrk gave no summary:\n{out.stdout}\n{out.stderr}")


def start_faultline(args, scenario, teams, tmp):
    port = free_port()
    journal = tempfile.mkdtemp(prefix="journal-", dir=tmp)
    cmd = [args.faultline, "serve", scenario, "--seed", str(args.seed), "--speed", str(args.speed),
           "--bind", f"127.0.0.1:{port}", "--journal-dir", journal]
    for t in teams:
        cmd += ["--team", t]
    log = open(os.path.join(tmp, f"faultline-{scenario}.log"), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    wait_port(port, proc, "faultline serve", timeout=300)
    # The banner names the account's region.
    region = None
    end = time.time() + 10
    while region is None and time.time() < end:
        with open(log.name) as f:
            for word in f.read().split():
                if word.startswith("AWS_DEFAULT_REGION="):
                    region = word.split("=", 1)[1]
        time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port}", region or "us-east-1"


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client(boto3, service, url, key, region):
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key="x",
    )


def faultline_ids(boto3, url, key, region, want_service=None):
    """The scenario's cluster, service, tasks, VPC, log group and stream."""
    ecs = client(boto3, "ecs", url, key, region)
    cluster = ecs.list_clusters()["clusterArns"][0].split("/")[-1]
    services = [a.split("/")[-1] for a in ecs.list_services(cluster=cluster)["serviceArns"]]
    service = want_service if want_service in services else services[0]
    tasks = ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]
    if not tasks:
        tasks = ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus="STOPPED")["taskArns"]
    tasks = tasks[:10]
    desc = ecs.describe_services(cluster=cluster, services=[service])["services"][0]
    subnets = desc["networkConfiguration"]["awsvpcConfiguration"]["subnets"]
    ec2 = client(boto3, "ec2", url, key, region)
    vpc = ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
    td = ecs.describe_task_definition(taskDefinition=desc["taskDefinition"])["taskDefinition"]
    logs_opts = td["containerDefinitions"][0]["logConfiguration"]["options"]
    group = logs_opts["awslogs-group"]
    logs = client(boto3, "logs", url, key, region)
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    stream = streams[0]["logStreamName"] if streams else "none"
    return cluster, service, tasks, vpc, group, stream


def prepare_moto(boto3, url, region, n_tasks, n_events):
    """Resources for moto to hold: what it needs to answer the four calls."""
    ecs = client(boto3, "ecs", url, "bench", region)
    ec2 = client(boto3, "ec2", url, "bench", region)
    logs = client(boto3, "logs", url, "bench", region)
    ecs.create_cluster(clusterName="prod")
    ecs.register_task_definition(
        family="checkout",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE", "EC2"],
        cpu="256",
        memory="512",
        containerDefinitions=[{
            "name": "app", "image": "nginx:1.27", "essential": True, "memory": 512,
            "portMappings": [{"containerPort": 8080}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/checkout", "awslogs-region": region,
                "awslogs-stream-prefix": "ecs"}},
        }],
    )
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    sg = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    net = {"awsvpcConfiguration": {"subnets": subnets[:2], "securityGroups": [sg]}}
    ecs.create_service(
        cluster="prod", serviceName="checkout", taskDefinition="checkout",
        desiredCount=2, launchType="FARGATE",
        networkConfiguration=net,
    )
    tasks = []
    while len(tasks) < n_tasks:
        r = ecs.run_task(cluster="prod", taskDefinition="checkout", launchType="FARGATE",
                         count=min(10, n_tasks - len(tasks)), startedBy="bench", networkConfiguration=net)
        got = [t["taskArn"] for t in r["tasks"]]
        if not got:
            sys.exit(f"moto held no task: {r.get('failures')}")
        tasks += got
    logs.create_log_group(logGroupName="/ecs/checkout")
    stream = "ecs/app/0123456789abcdef0123456789abcdef"
    logs.create_log_stream(logGroupName="/ecs/checkout", logStreamName=stream)
    now = int(time.time() * 1000)
    events = [{"timestamp": now - n_events + i,
               "message": f"2026-12-02T00:00:{i % 60:02d}Z INFO request {i} served in 12 ms"}
              for i in range(n_events)]
    for i in range(0, len(events), 1000):
        logs.put_log_events(logGroupName="/ecs/checkout", logStreamName=stream,
                            logEvents=events[i:i + 1000])
    return "prod", "checkout", tasks, vpc, "/ecs/checkout", stream


def check(url, calls, key, region, who):
    sizes = {}
    for c in calls:
        status, body = send(url, c, key, region)
        if status != 200:
            sys.exit(f"{who} {c.name} answered {status}: {body[:500]!r}")
        sizes[c.name] = body
    return sizes


def count(name, body):
    """How much a response holds (tasks, route tables, events)."""
    if name == "DescribeRouteTables":
        return body.count(b"<vpcId>")
    d = json.loads(body)
    key = {"DescribeServices": "services", "DescribeTasks": "tasks", "FilterLogEvents": "events"}[name]
    return len(d.get(key, []))


def throughput(args, boto3, tmp):
    fl, fl_url, region = start_faultline(args, args.scenario, ["bench"], tmp)
    moto = None
    try:
        ids = faultline_ids(boto3, fl_url, "bench", region)
        fl_calls = calls_for(*ids)
        fl_bodies = check(fl_url, fl_calls, "bench", region, "faultline")
        results = {}
        if not args.skip_moto:
            port = free_port()
            moto_log = open(os.path.join(tmp, "moto.log"), "w")
            moto = subprocess.Popen([args.moto_server, "-H", "127.0.0.1", "-p", str(port)],
                                    stdout=moto_log, stderr=subprocess.STDOUT)
            moto_url = f"http://127.0.0.1:{port}"
            wait_port(port, moto, "moto_server")
            n_events = count("FilterLogEvents", fl_bodies["FilterLogEvents"])
            m_ids = prepare_moto(boto3, moto_url, region, len(ids[2]), max(n_events, 1))
            moto_calls = calls_for(*m_ids)
            moto_bodies = check(moto_url, moto_calls, "bench", region, "moto")
        print(f"faultline: {args.scenario} seed {args.seed}, region {region}; "
              f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s per call per server")
        for i, c in enumerate(fl_calls):
            script = os.path.join(tmp, f"fl-{c.name}.lua")
            wrk_script(script, [(c.headers("bench", region), c.body)])
            r = {"faultline": run_wrk(fl_url, script, args, pid=fl.pid)}
            if moto:
                mc = moto_calls[i]
                script = os.path.join(tmp, f"moto-{c.name}.lua")
                wrk_script(script, [(mc.headers("bench", region), mc.body)])
                r["moto"] = run_wrk(moto_url, script, args, pid=moto.pid)
            results[c.name] = r
        print()
        head = f"{'call':<20} {'holds (fl/moto)':>15} {'bytes (fl/moto)':>17} {'faultline req/s':>16} {'CPU µs/req':>10}"
        if moto:
            head += f" {'moto req/s':>11} {'CPU µs/req':>10} {'ratio':>7}"
        print(head)
        for c in fl_calls:
            r = results[c.name]
            fb = fl_bodies[c.name]
            holds = f"{count(c.name, fb)}"
            size = f"{len(fb)}"
            if moto:
                mb = moto_bodies[c.name]
                holds += f"/{count(c.name, mb)}"
                size += f"/{len(mb)}"
            line = f"{c.name:<20} {holds:>15} {size:>17} {r['faultline']['rps']:>16,.0f} {r['faultline']['cpu_us']:>10,.0f}"
            if moto:
                line += (f" {r['moto']['rps']:>11,.0f} {r['moto']['cpu_us']:>10,.0f}"
                         f" {r['faultline']['rps'] / r['moto']['rps']:>6.0f}×")
            print(line)
            for who, w in r.items():
                if w["status_errors"] or w["socket_errors"]:
                    print(f"  {who}: {w['status_errors']} non-2xx, {w['socket_errors']} socket errors")
        print(f"faultline RSS after the load: {rss_kib(fl.pid) / 1024:.0f} MiB")
        return results
    finally:
        stop(fl)
        stop(moto)


def scale(args, boto3, tmp):
    teams = [f"t{i}" for i in range(1, args.teams + 1)]
    t0 = time.time()
    fl, url, region = start_faultline(args, args.scale_scenario, teams, tmp)
    started = time.time() - t0
    try:
        rss_start = rss_kib(fl.pid)
        ids = faultline_ids(boto3, url, teams[0], region)
        calls = calls_for(*ids)
        check(url, calls, teams[0], region, "faultline")
        check(url, calls, teams[-1], region, "faultline")
        variants = [(c.headers(t, region), c.body) for t in teams for c in calls]
        script = os.path.join(tmp, "teams.lua")
        wrk_script(script, variants)
        r = run_wrk(url, script, args, connections=args.teams, pid=fl.pid)
        rss_end = rss_kib(fl.pid)
        print()
        print(f"{args.teams} teams of {args.scale_scenario} in one server "
              f"(started in {started:.1f} s); wrk -t{args.threads} -c{args.teams} -d{args.duration}s, "
              "the four calls in turn, each to every team")
        print(f"  RSS after start: {rss_start / 1024:.0f} MiB; after the load: {rss_end / 1024:.0f} MiB")
        print(f"  {r['rps']:,.0f} req/s ({r['cpu_us']:.0f} µs of server CPU each); latency p50 {r['p50_us'] / 1000:.2f} ms, "
              f"p90 {r['p90_us'] / 1000:.2f} ms, p99 {r['p99_us'] / 1000:.2f} ms, max {r['max_us'] / 1000:.1f} ms")
        if r["status_errors"] or r["socket_errors"]:
            print(f"  {r['status_errors']} non-2xx, {r['socket_errors']} socket errors")
        return r
    finally:
        stop(fl)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--faultline", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "faultline"),
        help="the faultline binary (default: the release build)")
    p.add_argument("--moto-server", default=shutil.which("moto_server") or "moto_server")
    p.add_argument("--scenario", default="nat-route-missing", help="scenario for the throughput runs")
    p.add_argument("--scale-scenario", default="missing-env-crash-loop",
                   help="scenario for the teams run (the largest world: RSS of 50 teams, every scenario)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--speed", default="0",
                   help="the server's clock: 0 stands the world still (a repeated request is "
                        "answered from the world's cache of unchanged answers); 1 runs it in "
                        "real time (the clock moves between requests, so each is computed)")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--threads", type=int, default=1, help="wrk threads")
    p.add_argument("--teams", type=int, default=50)
    p.add_argument("--skip-moto", action="store_true", help="faultline only")
    p.add_argument("--only", choices=["throughput", "scale"], help="one part only")
    args = p.parse_args()
    with open("/proc/loadavg") as f:
        print(f"load average before: {' '.join(f.read().split()[:3])} on {os.cpu_count()} CPUs")
    if not os.access(args.faultline, os.X_OK):
        sys.exit(f"no faultline binary at {args.faultline}: run `cargo build --release` (or give --faultline)")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    try:
        import boto3
    except ImportError:
        sys.exit("boto3 is not installed: pip install 'moto[server]' boto3")
    if not args.skip_moto and not shutil.which(args.moto_server):
        sys.exit("moto_server is not installed: pip install 'moto[server]' (or --skip-moto)")
    tmp = tempfile.mkdtemp(prefix="bench-serve-")
    try:
        if args.only != "scale":
            throughput(args, boto3, tmp)
        if args.only != "throughput":
            scale(args, boto3, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
