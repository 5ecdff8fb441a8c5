import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CpuProfile {
  startTime: number;
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * The functions with the most self time in a V8 `.cpuprofile` (node --cpu-prof): time of the
 * samples whose leaf is that function, grouped by name and location; idle time left out, so the
 * percentages are of the time the process was busy. `windowS` keeps only the samples taken between
 * those seconds after the profile started (the process's start): the load, not the start-up.
 */
export function topSelfTime(file: string, root: string, limit = 10, windowS?: [number, number]): { busyPct: number; top: { fn: string; selfMs: number; selfPct: number }[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let busy = 0;
  let at = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (windowS && (at < windowS[0] * 1e6 || at > windowS[1] * 1e6)) return;
    const frame = byId.get(id)!;
    if (frame.functionName === '(idle)') return;
    busy += us;
    const where = frame.url ? `${relative(root, frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + us);
  });
  const spanUs = windowS ? (Math.min(windowS[1] * 1e6, at) - windowS[0] * 1e6) : at;
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([fn, us]) => ({ fn, selfMs: Math.round(us / 1000), selfPct: Math.round((1000 * us) / busy) / 10 }));
  // How much of the window the process was on a CPU (100 = one core saturated).
  return { busyPct: Math.round((1000 * busy) / spanUs) / 10, top };
}
