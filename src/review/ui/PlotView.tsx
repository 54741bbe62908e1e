// Draws a plot's geometry (src/review/plots.ts) as SVG: hovering or focusing a point names its
// case in a tooltip, clicking it (or Enter) opens that case's review.
import { useState, type KeyboardEvent } from 'react';
import type { PlotSpec } from '../plots.ts';

export const GROUP_COLORS = ['#5aa9ff', '#ff9a52', '#5ad19a', '#c78bff', '#f0c674', '#ff7aa8', '#6fd6e6', '#b0b0b0'];

export function PlotView({ plot, onOpenCase, testId }: { plot: PlotSpec; onOpenCase?: (caseId: number) => void; testId?: string }) {
  const [hover, setHover] = useState<number | null>(null);
  const { area } = plot;
  const tip = hover !== null ? plot.points[hover] : null;
  return (
    <figure className="plot" data-testid={testId}>
      <svg viewBox={`0 0 ${plot.width} ${plot.height}`} width={plot.width} height={plot.height} role="img" aria-label={plot.title}>
        <text x={area.left} y={16} className="plot-title">{plot.title}</text>
        <rect x={area.left} y={area.top} width={area.right - area.left} height={area.bottom - area.top} className="plot-frame" />
        {plot.xTicks.map((t, i) => (
          <g key={`x${i}`}>
            <line x1={t.at} x2={t.at} y1={area.bottom} y2={area.bottom + 4} className="plot-tick" />
            <text x={t.at} y={area.bottom + 16} textAnchor="middle" className="plot-tick-label">{t.label}</text>
          </g>
        ))}
        {plot.yTicks.map((t, i) => (
          <g key={`y${i}`}>
            <line x1={area.left} x2={area.right} y1={t.at} y2={t.at} className="plot-grid" />
            <text x={area.left - 6} y={t.at + 4} textAnchor="end" className="plot-tick-label">{t.label}</text>
          </g>
        ))}
        <text x={(area.left + area.right) / 2} y={plot.height - 8} textAnchor="middle" className="plot-axis-label">{plot.xLabel}</text>
        <text transform={`translate(14 ${(area.top + area.bottom) / 2}) rotate(-90)`} textAnchor="middle" className="plot-axis-label">{plot.yLabel}</text>
        {plot.lines.map((l, i) => (
          <g key={`l${i}`} className={`plot-line ${l.kind}`}>
            <line x1={l.x1} x2={l.x2} y1={l.y1} y2={l.y2} />
            {l.label && <text x={l.x2 - 4} y={l.y1 - 4} textAnchor="end">{l.label}</text>}
          </g>
        ))}
        {plot.points.map((p, i) => {
          const caseId = p.caseId;
          const hoverProps = {
            onMouseEnter: () => setHover(i),
            onMouseLeave: () => setHover((h) => (h === i ? null : h)),
            onFocus: () => setHover(i),
            onBlur: () => setHover((h) => (h === i ? null : h)),
          };
          return (
            <circle
              key={i}
              cx={p.x}
              cy={p.y}
              r={hover === i ? plot.radius + 2 : plot.radius}
              fill={GROUP_COLORS[p.group % GROUP_COLORS.length]}
              className={caseId === null ? 'plot-point static' : 'plot-point'}
              data-case-id={caseId ?? undefined}
              tabIndex={0}
              {...hoverProps}
              {...(caseId === null
                ? { 'aria-label': p.tip }
                : {
                    role: 'button',
                    'aria-label': `${p.tip}. Open the review`,
                    onClick: () => onOpenCase?.(caseId),
                    onKeyDown: (e: KeyboardEvent) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        onOpenCase?.(caseId);
                      }
                    },
                  })}
            />
          );
        })}
        {plot.points.length === 0 && plot.empty && (
          <text x={(area.left + area.right) / 2} y={(area.top + area.bottom) / 2} textAnchor="middle" className="plot-empty">{plot.empty}</text>
        )}
      </svg>
      {tip && (
        // Anchored on the side away from the nearer edge, so it stays inside the plot.
        <div
          className={`plot-tooltip ${tip.x < plot.width / 3 ? 'from-left' : tip.x > (plot.width * 2) / 3 ? 'from-right' : ''}`}
          role="tooltip"
          data-testid="plot-tooltip"
          style={{ left: `${(tip.x / plot.width) * 100}%`, top: `${(tip.y / plot.height) * 100}%` }}
        >
          {tip.tip}
        </div>
      )}
      {plot.groups.length > 1 && (
        <figcaption className="plot-legend">
          {plot.groups.map((g, i) => (
            <span key={i}><i style={{ background: GROUP_COLORS[i % GROUP_COLORS.length] }} />{g}</span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
