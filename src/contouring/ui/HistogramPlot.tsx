// A segment's HU histogram as a small bar plot, with the GGO and consolidation ranges marked.
import { HISTOGRAM_BIN_HU, HISTOGRAM_MAX_HU, HISTOGRAM_MIN_HU } from '../segmentStats.ts';

const W = 200;
const H = 44;

function x(hu: number): number {
  return ((hu - HISTOGRAM_MIN_HU) / (HISTOGRAM_MAX_HU - HISTOGRAM_MIN_HU)) * W;
}

export function HistogramPlot({ histogram, color, label }: { histogram: number[]; color: string; label: string }) {
  const max = Math.max(1, ...histogram);
  const bw = (HISTOGRAM_BIN_HU / (HISTOGRAM_MAX_HU - HISTOGRAM_MIN_HU)) * W;
  return (
    <svg className="histogram" viewBox={`0 0 ${W} ${H + 10}`} role="img" aria-label={`HU histogram of ${label}`}>
      <rect x={x(-750)} y={0} width={x(-300) - x(-750)} height={H} className="band ggo" />
      <rect x={x(-300)} y={0} width={x(100) - x(-300)} height={H} className="band consolidation" />
      {histogram.map((n, b) => (n > 0 ? <rect key={b} x={b * bw} y={H - (n / max) * H} width={Math.max(1, bw - 0.5)} height={(n / max) * H} fill={color} /> : null))}
      {[-1000, -500, 0].map((hu) => (
        <text key={hu} x={x(hu)} y={H + 9} className="tick">{hu}</text>
      ))}
    </svg>
  );
}
