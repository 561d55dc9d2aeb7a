#!/usr/bin/env python3
"""Host side of guest-requested hotplug (scripts/qemu-run --hotplug).

A guest test cannot reach QEMU's monitor, so it asks on a serial port of its
own (ttyS1, which qemu-run writes to REQUEST_FILE; the kernel's console is
on ttyS0, so no printk lands in the middle of a request), one request per
line, and watches the guest for the result (blocks appearing under
/sys/devices/system/memory, or going away):

    QMP-REQUEST dimm-add ID SIZE      object-add memory-backend-ram ID-mem
                                      of SIZE (QEMU syntax: 2G, 512M), then
                                      device_add pc-dimm ID on it
    QMP-REQUEST dimm-del ID           device_del ID, wait for QEMU's
                                      DEVICE_DELETED (the guest ejected
                                      it), then object-del ID-mem

Only these two are done; anything else is logged and ignored.  Every
request and QMP's answer go to AGENT_LOG, one "# qmp-agent: " line each,
which qemu-run appends to the boot's log.  The agent exits when QEMU closes
the QMP socket.

usage: qmp-agent.py QMP_SOCKET REQUEST_FILE AGENT_LOG
"""
import json
import os
import re
import select
import socket
import sys
import time

REQ = re.compile(r"^QMP-REQUEST (dimm-add|dimm-del) ([A-Za-z][A-Za-z0-9_]{0,15})(?: ([0-9]+[KMG]))?$")
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


class Qmp:
    def __init__(self, path, log):
        self.log = log
        for _ in range(600):
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                time.sleep(0.1)
        else:
            raise SystemExit(f"qmp-agent: no QMP socket at {path}")
        self.buf = b""
        self.events = []
        self.read()  # the greeting
        self.cmd("qmp_capabilities")

    def read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise SystemExit("qmp-agent: QEMU closed the QMP socket")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self.read()
            if "event" in r:
                self.events.append(r)
                continue
            self.log(f"{name} {json.dumps(args)} -> {json.dumps(r.get('return', r.get('error')))}")
            return r

    def wait_event(self, name, device, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for e in self.events:
                if e["event"] == name and e.get("data", {}).get("device") == device:
                    self.events.remove(e)
                    return True
            self.sock.settimeout(max(0.1, end - time.monotonic()))
            try:
                r = self.read()
            except socket.timeout:
                continue
            finally:
                self.sock.settimeout(None)
            if "event" in r:
                self.events.append(r)
        return False


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sock_path, requests, agent_log = sys.argv[1:]
    logf = open(agent_log, "a", buffering=1)

    def log(msg):
        logf.write(f"# qmp-agent: {msg}\n")

    qmp = Qmp(sock_path, log)
    log("connected")
    pos = 0
    pending = b""
    while True:
        # QEMU gone (EOF on the monitor): nothing left to do
        r, _, _ = select.select([qmp.sock], [], [], 0.1)
        if r:
            try:
                msg = qmp.read()
            except SystemExit:
                log("QEMU closed the monitor")
                return
            if "event" in msg:
                qmp.events.append(msg)
        try:
            with open(requests, "rb") as f:
                f.seek(pos)
                data = f.read()
        except FileNotFoundError:
            continue
        if not data:
            continue
        pos += len(data)
        pending += data
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            line = raw.decode(errors="replace").strip()
            if not line:
                continue
            m = REQ.match(line)
            if not m:
                log(f"ignored: {line}")
                continue
            op, dev, size = m.groups()
            log(f"request {op} {dev} {size or ''}".rstrip())
            if op == "dimm-add":
                if not size:
                    log("ignored: dimm-add without a size")
                    continue
                nbytes = int(size[:-1]) * UNITS[size[-1]]
                r = qmp.cmd("object-add", **{"qom-type": "memory-backend-ram",
                                             "id": f"{dev}-mem", "size": nbytes})
                if "error" not in r:
                    r = qmp.cmd("device_add", driver="pc-dimm", id=dev, memdev=f"{dev}-mem")
                    if "error" in r:
                        qmp.cmd("object-del", id=f"{dev}-mem")
            else:
                r = qmp.cmd("device_del", id=dev)
                if "error" in r:
                    continue
                if qmp.wait_event("DEVICE_DELETED", dev, 120):
                    log(f"DEVICE_DELETED {dev}")
                    qmp.cmd("object-del", id=f"{dev}-mem")
                else:
                    log(f"no DEVICE_DELETED for {dev} within 120 s")


if __name__ == "__main__":
    main()
