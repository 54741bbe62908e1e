// The review side of the viewer page: which reads are compared and how they are shown, the step
// to the next disagreement, the figures, the form answers side by side, and where a consensus
// starts. In a consensus, the readers' answers beside the lead's form, to take item by item.
import { useShallow } from 'zustand/react/shallow';
import type { CompareRead } from '../../read/compareRead.ts';
import type { ConsensusRead } from '../../read/consensusRead.ts';
import { consensusQuery } from '../../read/readOwner.ts';
import type { ConsensusStart } from '../consensusStart.ts';
import { useCompareStore, type OverlayMode } from '../../stores/compareStore.ts';

const MODES: Array<{ mode: OverlayMode; label: string; title: string }> = [
  { mode: 'all', label: 'All', title: 'Both reads: only A, only B, and where they agree' },
  { mode: 'a', label: 'A', title: 'Read A only' },
  { mode: 'b', label: 'B', title: 'Read B only' },
  { mode: 'agree', label: 'A∩B', title: 'Agreement: voxels both painted' },
  { mode: 'disagree', label: 'A∖B, B∖A', title: 'Disagreement: voxels one painted and the other did not' },
];

function fmt(x: number | null | undefined, digits: number): string {
  return x === null || x === undefined ? '–' : x.toFixed(digits);
}

export function ReviewPanel({ compare, consensus }: { compare?: () => CompareRead | null; consensus?: () => ConsensusRead | null }) {
  const s = useCompareStore(useShallow((st) => ({ phase: st.phase, message: st.message, purpose: st.purpose, caseId: st.caseId, readers: st.readers, a: st.a, b: st.b, mode: st.mode, sideBySide: st.sideBySide, regions: st.regions, regionIndex: st.regionIndex, items: st.items, figures: st.figures })));
  if (s.phase === 'idle') return null;
  const nameOf = (id: number | null) => s.readers.find((r) => r.userId === id)?.name ?? '?';
  const startConsensus = (from: ConsensusStart) => {
    const order = [s.a, s.b, ...s.readers.map((r) => r.userId)].filter((v, i, all): v is number => v !== null && all.indexOf(v) === i);
    location.assign(`${location.pathname}${consensusQuery(s.caseId!, from, order)}`);
  };
  return (
    <section className="review-panel" data-testid="review-panel" data-phase={s.phase} aria-label={s.purpose === 'review' ? 'Review of the reads' : 'Consensus'}>
      <h3>{s.purpose === 'review' ? 'Review' : 'Consensus'}</h3>
      {s.message && <p className={s.phase === 'error' ? 'error-text' : 'muted'} role={s.phase === 'error' ? 'alert' : 'status'} data-testid="review-message">{s.message}</p>}
      <ul className="review-readers">
        {s.readers.map((r) => (
          <li key={r.userId} data-reader-id={r.userId}>
            {r.name}
            {r.problem && <span className="error-text"> — {r.problem}</span>}
          </li>
        ))}
      </ul>
      {s.purpose === 'review' && s.phase === 'ready' && compare && (
        <>
          <div className="review-pair">
            <label>A <select data-testid="review-a" value={s.a ?? ''} onChange={(e) => compare()?.compare(Number(e.target.value), s.b!)}>
              {s.readers.filter((r) => r.hasLabels && r.userId !== s.b).map((r) => <option key={r.userId} value={r.userId}>{r.name}</option>)}
            </select></label>
            <label>B <select data-testid="review-b" value={s.b ?? ''} onChange={(e) => compare()?.compare(s.a!, Number(e.target.value))}>
              {s.readers.filter((r) => r.hasLabels && r.userId !== s.a).map((r) => <option key={r.userId} value={r.userId}>{r.name}</option>)}
            </select></label>
          </div>
          <div className="review-layout" role="group" aria-label="Layout">
            <button data-testid="layout-overlay" aria-pressed={!s.sideBySide} title="Both reads in one layout, a colour each" onClick={() => void compare()?.setSideBySide(false)}>Overlaid</button>
            <button data-testid="layout-side-by-side" aria-pressed={s.sideBySide} title="A’s read left, B’s right; slice, zoom, pan and window linked" onClick={() => void compare()?.setSideBySide(true)}>Side by side</button>
          </div>
          <div className="review-modes" role="group" aria-label="Show">
            {MODES.map((m) => (
              <button key={m.mode} data-mode={m.mode} aria-pressed={s.mode === m.mode} title={s.sideBySide ? 'Overlaid layout only' : m.title} disabled={s.sideBySide} onClick={() => compare()?.setMode(m.mode)}>{m.label}</button>
            ))}
          </div>
          <button data-testid="next-disagreement" disabled={s.regions === 0} onClick={() => compare()?.nextDisagreement()} data-region={s.regionIndex}>
            Next disagreement {s.regions ? `(${s.regionIndex + 1} of ${s.regions})` : '(none)'}
          </button>
          {s.figures && (
            <table className="review-figures" data-testid="review-figures">
              <tbody>
                <tr><th>Dice</th><td data-testid="figure-dice" data-value={s.figures.dice}>{fmt(s.figures.dice, 3)}</td></tr>
                <tr><th>Jaccard</th><td>{fmt(s.figures.jaccard, 3)}</td></tr>
                <tr><th>Volume A / B</th><td>{fmt(s.figures.volumeAMl, 2)} / {fmt(s.figures.volumeBMl, 2)} mL</td></tr>
                <tr><th>Difference</th><td>{fmt(s.figures.volumeDiffMl, 2)} mL ({fmt(s.figures.volumeDiffPct, 1)} %)</td></tr>
                <tr><th>HD / HD95 / MSD</th><td>{fmt(s.figures.hdMm, 1)} / {fmt(s.figures.hd95Mm, 1)} / {fmt(s.figures.msdMm, 2)} mm</td></tr>
                <tr><th>Lesions A / B</th><td>{s.figures.lesionsA} / {s.figures.lesionsB} (F1 {fmt(s.figures.lesionF1, 2)})</td></tr>
              </tbody>
            </table>
          )}
          <div className="review-consensus">
            <span>Start a consensus from</span>
            <button data-testid="consensus-from-a" onClick={() => startConsensus('one')}>{nameOf(s.a)}’s read</button>
            <button data-testid="consensus-from-union" onClick={() => startConsensus('union')}>Union</button>
            <button data-testid="consensus-from-intersection" onClick={() => startConsensus('intersection')}>Intersection</button>
            <button data-testid="consensus-from-majority" disabled={s.readers.filter((r) => r.hasLabels).length < 3} title="Needs three reads or more" onClick={() => startConsensus('majority')}>Majority</button>
          </div>
        </>
      )}
      {s.items.length > 0 && (
        <table className="review-form" data-testid="review-form">
          <thead>
            <tr><th>Item</th>{s.readers.map((r) => <th key={r.userId}>{r.name}</th>)}</tr>
          </thead>
          <tbody>
            {s.items.map((item) => (
              <tr key={item.itemId} data-item={item.itemId} data-differ={item.differ} className={item.differ ? 'differ' : undefined}>
                <td>{item.label}</td>
                {item.answers.map((a) => (
                  <td key={a.userId}>
                    {a.text ?? '–'}
                    {s.purpose === 'consensus' && a.text !== null && consensus && (
                      <button className="use-answer" data-testid={`use-answer-${item.itemId}-${a.userId}`} title="Take this answer into the consensus form" onClick={() => consensus()?.useAnswer(item.itemId, a.userId)}>use</button>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
