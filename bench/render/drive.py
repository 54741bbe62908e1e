#!/usr/bin/env python3
"""Runs the render benchmark page (built into .bench/render-dist) in headless Chromium and prints
one JSON object per line ({"name", "value", "unit", "dataset", ...}).

Standard library only, so it also runs on a machine with a real GPU that has Python but no Node.
It serves the page itself, launches Chromium once per rendering back end asked for, samples the
PSS of every process of that browser from /proc while the page runs (and the GPU's memory through
nvidia-smi where there is one), and takes the page's timings from a POST to /result.

  drive.py --dist .bench/render-dist --chromium /usr/bin/chromium --backend swiftshader [--backend vulkan ...]
"""
import argparse
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

BACKENDS = {
    # What the test machines have: ANGLE on SwiftShader (software Vulkan).
    'swiftshader': ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    # A real GPU through ANGLE's Vulkan back end (the Vulkan loader finds the GPU's driver).
    'vulkan': ['--use-angle=vulkan'],
    # A real GPU through the system's OpenGL ES driver (EGL).
    'egl': ['--use-angle=gl-egl', '--use-gl=angle'],
}
COMMON = [
    '--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-dev-shm-usage', '--ignore-gpu-blocklist', '--window-size=1600,1000',
    # Frames are timed one by one: do not let the display's 60 Hz pace them.
    '--disable-gpu-vsync', '--disable-frame-rate-limit', '--enable-logging=stderr',
]
UNITS_MS = ('mpr_ready_ms', 'mpr_scroll_ms', 'mpr_scroll_p95_ms', 'mpr_window3_ms', 'vr_first_ms',
            'vr_rotate_m2_ms', 'vr_rotate_m1_ms', 'mpr_scroll_with_3d_ms')


def serve(dist):
    """Static files of the page, and /result where the page posts its figures."""
    box = {'result': None, 'partial': None, 'event': threading.Event()}

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=dist, **k)

        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get('content-length', 0)))
            if self.path.endswith('/partial'):
                box['partial'] = json.loads(body or b'{}')
            else:
                box['result'] = json.loads(body or b'{}')
                box['event'].set()
            self.send_response(204)
            self.end_headers()

    Handler.extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, '.js': 'text/javascript', '.wasm': 'application/wasm'}
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, box


def descendants(root):
    children = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(ppid, []).append(int(pid))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def pss_by_type(root):
    """PSS in MiB of each process of the browser, summed by Chromium's --type (browser, gpu-process...)."""
    sums = {}
    for pid in descendants(root):
        try:
            # Chromium's children rename themselves: their arguments come back as one string.
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                args = f.read().replace(b'\0', b' ').split()
            kind = next((a.split(b'=', 1)[1].decode() for a in args if a.startswith(b'--type=')), 'browser')
            with open(f'/proc/{pid}/smaps_rollup') as f:
                pss = next(int(line.split()[1]) for line in f if line.startswith('Pss:'))
        except (OSError, StopIteration, ValueError):
            continue
        sums[kind] = sums.get(kind, 0) + pss / 1024
    return sums


def gpu_memory_mb():
    if not shutil.which('nvidia-smi'):
        return None
    try:
        out = subprocess.run(['nvidia-smi', '--query-gpu=memory.used', '--format=csv,noheader,nounits'], capture_output=True, text=True, timeout=5)
        return float(out.stdout.split()[0])
    except (OSError, ValueError, IndexError, subprocess.TimeoutExpired):
        return None


def run_backend(args, backend, url):
    profile = tempfile.mkdtemp(prefix='render-bench-')
    cmd = [args.chromium, *COMMON, *BACKENDS[backend], f'--user-data-dir={profile}', url]
    log = open(os.path.join(args.logs, f'chromium-{backend}.log'), 'w') if args.logs else subprocess.DEVNULL
    gpu_base = gpu_memory_mb()
    env = dict(os.environ)
    if backend == 'swiftshader':
        # A Vulkan driver named in the environment would take the place of Chromium's SwiftShader.
        for name in ('VK_ICD_FILENAMES', 'VK_DRIVER_FILES'):
            env.pop(name, None)
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True, env=env)
    peak, at_peak, gpu_peak = 0.0, {}, gpu_base
    deadline = time.time() + args.timeout
    box = args.box
    box['event'].clear()
    box['result'] = None
    box['partial'] = None
    try:
        while time.time() < deadline and proc.poll() is None and not box['event'].is_set():
            sums = pss_by_type(proc.pid)
            total = sum(sums.values())
            if total > peak:
                peak, at_peak = total, sums
            g = gpu_memory_mb()
            if g is not None and (gpu_peak is None or g > gpu_peak):
                gpu_peak = g
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    result = box['result']
    if result is None and box['partial']:
        # Timed out part way: what was measured stands, and the line says it is incomplete.
        result = {**box['partial'], 'incomplete': True}
    if result is None:
        result = {'error': 'no result (timeout or browser exit %s)' % proc.returncode}
    return result, peak, at_peak, (gpu_peak - gpu_base) if gpu_base is not None and gpu_peak is not None else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dist', required=True)
    ap.add_argument('--chromium', default='/usr/bin/chromium')
    ap.add_argument('--backend', action='append', choices=sorted(BACKENDS))
    ap.add_argument('--size', default='512x512x300')
    ap.add_argument('--timeout', type=float, default=400)
    ap.add_argument('--logs', help='folder for Chromium logs')
    ap.add_argument('--raw', help='file to append the page results to')
    args = ap.parse_args()
    server, args.box = serve(os.path.abspath(args.dist))
    url = f'http://127.0.0.1:{server.server_address[1]}/index.html?size={args.size}'
    dataset = f'phantom-{args.size}'
    failed = False
    for backend in args.backend or ['swiftshader']:
        result, peak, at_peak, gpu_mb = run_backend(args, backend, url)
        if args.raw:
            with open(args.raw, 'a') as f:
                f.write(json.dumps({'backend': backend, 'result': result, 'pss_at_peak': at_peak, 'gpu_mb': gpu_mb}) + '\n')
        tags = {'dataset': dataset, 'backend': backend, 'renderer': result.get('renderer'), 'rendering': result.get('rendering')}
        if result.get('incomplete'):
            tags['incomplete'] = True
        if 'error' in result:
            failed = True
            print(json.dumps({'name': 'render_error', 'value': 1, 'unit': 'count', **tags, 'error': result['error'][:500]}), flush=True)
            continue
        for key in UNITS_MS:
            if isinstance(result.get(key), (int, float)):
                print(json.dumps({'name': f'render_{key}', 'value': round(result[key], 1), 'unit': 'ms', **tags}), flush=True)
        if isinstance(result.get('mpr_scroll_ms'), (int, float)) and result['mpr_scroll_ms'] > 0:
            print(json.dumps({'name': 'render_mpr_scroll_fps', 'value': round(1000 / result['mpr_scroll_ms'], 1), 'unit': 'fps', **tags}), flush=True)
        if isinstance(result.get('vr_rotate_m1_ms'), (int, float)) and result['vr_rotate_m1_ms'] > 0:
            print(json.dumps({'name': 'render_vr_rotate_fps', 'value': round(1000 / result['vr_rotate_m1_ms'], 1), 'unit': 'fps', **tags}), flush=True)
        print(json.dumps({'name': 'render_browser_pss_mb', 'value': round(peak, 1), 'unit': 'MiB', **tags,
                          'by_process': {k: round(v, 1) for k, v in sorted(at_peak.items())}}), flush=True)
        if gpu_mb is not None:
            print(json.dumps({'name': 'render_gpu_memory_mb', 'value': round(gpu_mb, 1), 'unit': 'MiB', **tags}), flush=True)
    server.shutdown()
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
