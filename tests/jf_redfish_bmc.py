#!/usr/bin/env python3
"""jf_redfish_bmc.py -- a Redfish BMC on loopback for the redfish energy tests.

Serves the DMTF payloads in tests/redfish/*.json over HTTPS (the test's own
self-signed certificate), behind HTTP Basic authentication, with the power
readings filled in from a known profile so that a test can compare the
energy jflop reports with the exact integral:

    P(t) = base + amp * sin(2 pi t / period)   (W, t the epoch time)

Like a real BMC it refreshes its readings only every `delta` seconds: a
reading at time t is the one taken at floor(t / delta) * delta, and the
energy counter is the integral of P from the server's start up to then.

Each node is a virtual host: the Host header's first label (a.localhost ->
a) picks its --node settings, else the "default" node. Modes:
  counter  EnvironmentMetrics with EnergyJoules and PowerWatts, each naming
           its Sensor (ReadingTime, SensingInterval = delta)
  power    EnvironmentMetrics with PowerWatts only, and its Sensor
  control  only the older Power resource (PowerControl[0].PowerConsumedWatts,
           no timestamps, no SensingInterval)
  two      a Chassis collection of two members (the URL must name one)
  nopower  a chassis whose Power has no PowerConsumedWatts and no
           EnvironmentMetrics
  badjson  the power resource answers with truncated JSON
  slow     every answer waits 3 s
  fail     as control, but after SIGUSR1 the power resource answers 503

The port is written to --port-file once the server listens. Stops on SIGTERM.
"""
import argparse
import base64
import json
import math
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = "/redfish/v1"
CH = ROOT + "/Chassis/1"


def parse_node(text):
    # NAME=MODE,BASE,AMP,PERIOD,DELTA
    name, _, rest = text.partition("=")
    mode, base, amp, period, delta = rest.split(",")
    return name, {"mode": mode, "base": float(base), "amp": float(amp),
                  "period": float(period), "delta": float(delta)}


class Bmc:
    def __init__(self, args):
        self.fixtures = {}
        for f in os.listdir(args.fixtures):
            if f.endswith(".json"):
                with open(os.path.join(args.fixtures, f)) as fh:
                    self.fixtures[f[:-5]] = json.load(fh)
        self.nodes = dict(parse_node(n) for n in args.node)
        self.t0 = time.time()
        self.auth = "Basic " + base64.b64encode(args.auth.encode()).decode()
        self.failing = False

    def node(self, host):
        label = (host or "").split(":")[0].split(".")[0]
        return self.nodes.get(label, self.nodes.get("default"))

    @staticmethod
    def power(n, t):
        return n["base"] + n["amp"] * math.sin(2 * math.pi * t / n["period"])

    def energy(self, n, t):
        # exact integral of power() from the server's start to t
        w = 2 * math.pi / n["period"]
        return n["base"] * (t - self.t0) - n["amp"] / w * (math.cos(w * t) - math.cos(w * self.t0))

    def sample_time(self, n):
        return math.floor(time.time() / n["delta"]) * n["delta"]

    @staticmethod
    def iso(t):
        frac = t - math.floor(t)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(math.floor(t))) + \
            ("%.3f" % frac)[1:] + "Z"

    def get(self, n, path, ts):
        """(status, body) for path on node n, readings as refreshed at ts."""
        fx = lambda name: json.loads(json.dumps(self.fixtures[name]))  # a copy
        mode = n["mode"]
        if path in (ROOT, ROOT + "/"):
            return 200, fx("service_root")
        if path == ROOT + "/Chassis":
            c = fx("chassis_collection")
            if mode == "two":
                c["Members"].append({"@odata.id": ROOT + "/Chassis/2"})
                c["Members@odata.count"] = 2
            return 200, c
        if path == CH:
            c = fx("chassis")
            if mode in ("control", "fail", "nopower", "badjson", "slow"):
                del c["EnvironmentMetrics"]
            return 200, c
        if path == CH + "/EnvironmentMetrics" and mode in ("counter", "power"):
            e = fx("environment_metrics")
            e["PowerWatts"]["Reading"] = round(self.power(n, ts), 3)
            if mode == "counter":
                e["EnergyJoules"]["Reading"] = round(self.energy(n, ts), 3)
            else:
                del e["EnergyJoules"]
            return 200, e
        if path == CH + "/Sensors/PowerWatts" and mode in ("counter", "power"):
            s = fx("sensor_power")
            s.update(Reading=round(self.power(n, ts), 3), ReadingTime=self.iso(ts),
                     SensingInterval="PT%gS" % n["delta"])
            return 200, s
        if path == CH + "/Sensors/EnergyJoules" and mode == "counter":
            s = fx("sensor_energy")
            s.update(Reading=round(self.energy(n, ts), 3), ReadingTime=self.iso(ts),
                     SensingInterval="PT%gS" % n["delta"])
            return 200, s
        if path == CH + "/Power":
            if mode == "badjson":
                return 200, '{"PowerControl": [{"PowerConsumedWatts": 2'
            if mode == "fail" and self.failing:
                return 503, {"error": {"code": "Base.1.0.ServiceTemporarilyUnavailable"}}
            p = fx("power")
            if mode == "nopower":
                del p["PowerControl"][0]["PowerConsumedWatts"]
            else:
                p["PowerControl"][0]["PowerConsumedWatts"] = round(self.power(n, ts), 1)
            return 200, p
        return 404, {"error": {"code": "Base.1.0.ResourceMissingAtURI"}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--auth", required=True, help="USER:PASSWORD the BMC accepts")
    ap.add_argument("--node", action="append", required=True,
                    help="NAME=MODE,BASE_W,AMP_W,PERIOD_S,DELTA_S")
    ap.add_argument("--log", help="one line per answered request: its start time, path, "
                    "status and the refresh time of the readings it gave")
    args = ap.parse_args()
    bmc = Bmc(args)
    log = open(args.log, "a", buffering=1) if args.log else None
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):  # quiet; --log has what a test needs
            pass

        def send(self, status, body, started=0.0, ts=0.0):
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("OData-Version", "4.0")
            self.send_header("Content-Length", str(len(data)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="jflop test BMC"')
            self.end_headers()
            self.wfile.write(data)
            if log:
                with lock:
                    log.write("%.6f %s %d %.6f\n" % (started, self.path, status, ts))

        def do_GET(self):
            started = time.time()
            n = bmc.node(self.headers.get("Host"))
            if n is None:
                return self.send(404, {"error": "no such BMC"})
            if n["mode"] == "slow":
                time.sleep(3)
            if self.headers.get("Authorization") != bmc.auth:
                return self.send(401, {"error": {"code": "Base.1.0.NoValidSession"}})
            ts = bmc.sample_time(n)
            status, body = bmc.get(n, self.path.split("?")[0].rstrip("/") or "/", ts)
            self.send(status, body, started, ts)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)

    def on_usr1(*_):
        bmc.failing = True
        sys.stderr.write("jf_redfish_bmc: failing from now on, at %.6f\n" % time.time())
    signal.signal(signal.SIGUSR1, on_usr1)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=srv.shutdown).start())
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
