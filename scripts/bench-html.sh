#!/usr/bin/env bash
# The HTML report at organisation scale: builds a synthetic report of ACCOUNTS accounts ×
# PER_ACCOUNT findings (default 1,000 × 60) from the demo snapshot fixture, writes it next to
# the demo's own report, and measures each in headless Chromium: file size, first
# contentful paint, when the findings table was drawn, the load event, and the number of
# DOM elements. A benchmark, not a test; BENCHMARKS.md has the figures and the method.
#   bash scripts/bench-html.sh [ACCOUNTS] [PER_ACCOUNT] [UNIQUE_PERCENT]
# RUNS (default 5) sets the runs per file (the figures are medians); LOAD_TIMEOUT (seconds,
# default 300) bounds one page load.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ACCOUNTS=${1:-1000}
PER_ACCOUNT=${2:-60}
UNIQUE=${3:-30}
OUT="${PERIMETER_BENCH_OUT:-out/bench-html}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || { echo "headless Chromium is needed: install Debian's chromium package" >&2; exit 2; }
mkdir -p "$OUT"

cargo build --locked --quiet --bin perimeter --example html_at_scale
# The demo's report (the demo organisation's management account, as the fixture holds it).
# Exit code 1 means "failing findings", which the demo has on purpose.
target/debug/perimeter evaluate tests/fixtures/compat/snapshot-0.1.0.json \
  --format json,html --output-dir "$OUT/demo" >/dev/null 2>&1 || [ $? -eq 1 ]
target/debug/examples/html_at_scale "$OUT/demo/perimeter.json" \
  "$OUT/org-${ACCOUNTS}x${PER_ACCOUNT}.html" "$ACCOUNTS" "$PER_ACCOUNT" "$UNIQUE"

# Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe, the
# Python standard library only): navigate, wait for the load event and the first
# contentful paint, then read the page's own performance entries (paint timing, the
# navigation entry, and the `perimeter-rows` mark the report's script sets once it has drawn
# the first page of findings). Times are milliseconds from navigation start.
cat >"$OUT/paint.py" <<'PY'
import json, os, shutil, statistics, subprocess, sys, tempfile, time

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,2000", "--remote-debugging-pipe"]

class Cdp:
    def __init__(self, profile):
        to_r, to_w = os.pipe()      # we write, Chromium reads fd 3
        from_r, from_w = os.pipe()  # Chromium writes fd 4, we read
        def remap():
            a, b = os.dup(to_r), os.dup(from_w)  # away from 3 and 4 first
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.p = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                  preexec_fn=remap, close_fds=False,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.w = os.fdopen(to_w, "wb", buffering=0)
        self.r = os.fdopen(from_r, "rb", buffering=0)
        self.buf, self.n, self.events = b"", 0, []

    def _read(self):
        while b"\0" not in self.buf:
            chunk = self.r.read(65536)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None):
        self.n += 1
        m = {"id": self.n, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        self.w.write(json.dumps(m).encode() + b"\0")
        while True:
            msg = self._read()
            if msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(msg["error"])
                return msg.get("result", {})
            self.events.append((time.monotonic(), msg))

    def event(self, method, timeout):
        end = time.monotonic() + timeout
        while True:
            for i, (t, e) in enumerate(self.events):
                if e.get("method") == method:
                    del self.events[:i + 1]
                    return t, e
            if time.monotonic() > end:
                raise TimeoutError(method)
            self.events.append((time.monotonic(), self._read()))

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        self.p.wait(timeout=60)

PROBE = r"""(async () => {
  const until = Date.now() + 20000;
  while (Date.now() < until) {
    const painted = performance.getEntriesByType('paint').some(e => e.name === 'first-contentful-paint');
    const drawn = performance.getEntriesByName('perimeter-rows').length || !document.getElementById('data');
    if (painted && drawn) break;
    await new Promise(r => setTimeout(r, 50));
  }
  const nav = performance.getEntriesByType('navigation')[0];
  const mark = performance.getEntriesByName('perimeter-rows');
  const o = {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
             rows: mark.length ? mark[0].startTime : null,
             elements: document.getElementsByTagName('*').length,
             finding_rows: document.querySelectorAll('tr.finding').length};
  for (const e of performance.getEntriesByType('paint')) o[e.name] = e.startTime;
  return JSON.stringify(o);
})()"""

def measure(path, limit):
    profile = tempfile.mkdtemp(prefix="bench-html-")
    c = Cdp(profile)
    try:
        page = [t for t in c.send("Target.getTargets")["targetInfos"] if t["type"] == "page"][0]
        s = c.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
        c.send("Page.enable", session=s)
        c.send("Page.setLifecycleEventsEnabled", {"enabled": True}, session=s)
        t0 = time.monotonic()
        nav = c.send("Page.navigate", {"url": "file://" + os.path.abspath(path)}, session=s)
        seen = {}
        while "load" not in seen or "firstContentfulPaint" not in seen:
            try:
                t, e = c.event("Page.lifecycleEvent", limit - (time.monotonic() - t0))
            except TimeoutError:
                break
            if e["params"].get("loaderId") == nav.get("loaderId"):
                seen.setdefault(e["params"]["name"], t)
        if "load" not in seen:
            # A page that never finished loading: only what the browser reported.
            fcp = seen.get("firstContentfulPaint")
            return {"first-contentful-paint": None if fcp is None else (fcp - t0) * 1000,
                    "load": None, "timed_out_s": limit}
        r = c.send("Runtime.evaluate", {"expression": PROBE, "awaitPromise": True,
                                        "returnByValue": True}, session=s)
        return json.loads(r["result"]["value"])
    finally:
        c.close()
        shutil.rmtree(profile, ignore_errors=True)

runs = int(os.environ.get("RUNS", "5"))
limit = float(os.environ.get("LOAD_TIMEOUT", "300"))
print(f"{'file':<34} {'size':>9} {'FCP':>8} {'drawn':>8} {'load':>8} {'elements':>9}  ({runs} runs, medians, ms)")
for path in sys.argv[1:]:
    res = [measure(path, limit) for _ in range(runs)]
    def med(k):
        v = [x[k] for x in res if x.get(k) is not None]
        return f"{statistics.median(v):.0f}" if v else "-"
    last = res[-1]
    size = os.path.getsize(path)
    print(f"{os.path.basename(path):<34} {size / 1e6:>7.2f}MB {med('first-contentful-paint'):>8} "
          f"{med('rows'):>8} {med('load'):>8} {last.get('elements', '-'):>9}"
          + (f"  (no load event within {limit:.0f} s)" if last.get("load") is None else ""))
PY
python3 "$OUT/paint.py" "$OUT/demo/perimeter.html" "$OUT/org-${ACCOUNTS}x${PER_ACCOUNT}.html"
