// CPU seconds (whole seconds, as ps counts them) spent by each part of a stack while a load ran: where the cores went. Read from ps
// (user + system time of every live process, grouped by what it is); a process killed during
// the run loses what it spent (the soak's faults), a process started during it counts from 0.
import { execFileSync } from 'node:child_process';

type Part = 'orthanc' | 'gateway' | 'postgres' | 'haproxy';

function partOf(comm: string, args: string): Part | null {
  if (comm === 'Orthanc') return 'orthanc';
  if (comm === 'postgres') return 'postgres';
  if (comm === 'haproxy') return 'haproxy';
  if (/server\/main\.ts/.test(args)) return 'gateway';
  return null;
}

function snapshot(): Map<number, { part: Part; s: number }> {
  const out = new Map<number, { part: Part; s: number }>();
  const text = execFileSync('ps', ['-eo', 'pid=,times=,comm=,args='], { encoding: 'utf8' });
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const part = partOf(m[3], m[4]);
    if (part) out.set(Number(m[1]), { part, s: Number(m[2]) });
  }
  return out;
}

/** Starts counting; the returned function gives CPU seconds per part since, and the load's own. */
export function countCpu(): () => Record<Part | 'load', number> {
  const before = snapshot();
  const load0 = process.cpuUsage();
  return () => {
    const totals: Record<Part | 'load', number> = { orthanc: 0, gateway: 0, postgres: 0, haproxy: 0, load: 0 };
    for (const [pid, now] of snapshot()) totals[now.part] += now.s - (before.get(pid)?.s ?? 0);
    const load = process.cpuUsage(load0);
    totals.load = Math.round((load.user + load.system) / 1e5) / 10;
    return totals;
  };
}
