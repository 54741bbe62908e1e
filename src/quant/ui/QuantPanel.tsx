// The read's quantification beside the views: the automatic lung masks (progress, volumes, shown
// on request), the involvement of each lung and of the six zones by the lesion segments with the
// CT severity score, live while painting, and the lesion suggestion waiting for the reader.
import { useShallow } from 'zustand/react/shallow';
import type { ReadQuantification } from '../../read/readQuantification.ts';
import { useContouringStore } from '../../stores/contouringStore.ts';
import { useQuantStore, type QuantTask } from '../../stores/quantStore.ts';
import { LUNG } from '../ctVolume.ts';
import { INVOLVEMENT_DEFINITION } from '../involvement.ts';
import { ZONE_DEFINITION, type ZoneName } from '../lungZones.ts';
import { BAND_DEFINITION, LOBAR_SCORE_DEFINITION, LOBAR_SCORE_NAME, SEVERITY_BANDS, SIX_ZONE_SCORE_DEFINITION, SIX_ZONE_SCORE_NAME } from '../severityScore.ts';
import { BIOMARKER_DEFINITIONS } from '../lesionBiomarkers.ts';
import { LOBE_REGION_DEFINITION } from '../lobeRegions.ts';

const ZONE_LABEL: Record<ZoneName, string> = {
  right_upper: 'Right upper',
  right_middle: 'Right middle',
  right_lower: 'Right lower',
  left_upper: 'Left upper',
  left_middle: 'Left middle',
  left_lower: 'Left lower',
};

const KIND_LABEL = { ggo: 'ground glass', consolidation: 'consolidation', mixed: 'mixed' } as const;

const ml = (x: number) => x.toFixed(x < 10 ? 2 : 0);
const pct = (x: number) => `${x.toFixed(1)} %`;

function Progress({ task, what }: { task: QuantTask; what: string }) {
  return (
    <p className="quant-progress" role="status">
      <progress max={1} value={task.fraction} aria-label={`${what} progress`} /> {what}… {task.stage && <span className="muted">({task.stage})</span>}
    </p>
  );
}

/** `ownRead`: a read being made here (a reader's or a lead's consensus); a look at others' reads has none. */
export function QuantPanel({ quant, ownRead }: { quant: () => ReadQuantification | null; ownRead: boolean }) {
  const s = useQuantStore(useShallow((st) => ({ lungs: st.lungs, involvement: st.involvement, showLungs: st.showLungs, editingLung: st.editingLung, suggestion: st.suggestion, figures: st.figures })));
  const activeLabel = useContouringStore((st) => st.segments.find((x) => x.value === st.activeValue)?.label ?? null);
  const run = (f: (q: ReadQuantification) => void) => {
    const q = quant();
    if (q) f(q);
  };
  const inv = s.involvement;
  const { lungs, suggestion, figures } = s;
  const lesions = figures.result?.lesions ?? [];
  const lobes = figures.result?.lobes ?? null;
  if (!ownRead) {
    return <aside className="contour-panel quant-panel" data-testid="quant-panel" aria-label="Quantification"><p className="muted">The quantification belongs to a read being made: open your own read of this case.</p></aside>;
  }

  return (
    <aside className="contour-panel quant-panel" data-testid="quant-panel" aria-label="Quantification" data-lungs={lungs.state}>
      <section aria-label="Lungs">
        <h3>Lungs (automatic)</h3>
        {lungs.state === 'idle' && <p className="muted">The lungs are found once the series has loaded.</p>}
        {lungs.state === 'running' && <Progress task={lungs} what="Finding the lungs" />}
        {lungs.state === 'failed' && <p className="error-text" role="alert">The lungs could not be found: {lungs.error}</p>}
        {lungs.state === 'done' && (
          <>
            <p>
              Right lung <span data-testid="lung-right-ml" data-value={lungs.rightMl}>{ml(lungs.rightMl)} mL</span>, left lung{' '}
              <span data-testid="lung-left-ml" data-value={lungs.leftMl}>{ml(lungs.leftMl)} mL</span>
              {lungs.fromDraft && <span className="muted"> (kept on this device)</span>}
            </p>
            <label>
              <input type="checkbox" checked={s.showLungs} onChange={(e) => run((q) => q.showLungs(e.target.checked))} data-testid="show-lungs" /> Show lungs
            </label>
            <div className="inline-form" role="group" aria-label="Correct the lung masks">
              {s.editingLung === 0 ? (
                <>
                  <button type="button" onClick={() => run((q) => q.editLung(LUNG.right))} data-testid="edit-right-lung">
                    Edit right lung
                  </button>
                  <button type="button" onClick={() => run((q) => q.editLung(LUNG.left))} data-testid="edit-left-lung">
                    Edit left lung
                  </button>
                </>
              ) : (
                <>
                  <span role="status" data-testid="editing-lung" data-value={s.editingLung}>
                    Editing the {s.editingLung === LUNG.right ? 'right' : 'left'} lung: every tool, undo and redo act on it.
                  </span>
                  <button type="button" onClick={() => run((q) => q.editLung(null))} data-testid="edit-lungs-done">
                    Back to my segments
                  </button>
                </>
              )}
            </div>
            <p className="muted">The lung masks are for the figures below: they are not part of your segmentation and are never submitted.</p>
          </>
        )}
      </section>

      {inv && (
        <section aria-label="Involvement">
          <h3>Involvement by the lesion segments</h3>
          <p>
            Right <span data-testid="involvement-right" data-value={inv.involvement_pct.right}>{pct(inv.involvement_pct.right)}</span>, left{' '}
            <span data-testid="involvement-left" data-value={inv.involvement_pct.left}>{pct(inv.involvement_pct.left)}</span>, both lungs{' '}
            <strong data-testid="involvement-total" data-value={inv.involvement_pct.total}>{pct(inv.involvement_pct.total)}</strong>
          </p>
          {inv.outside_lung_ml > 0 && <p className="notice" data-testid="outside-lung">{ml(inv.outside_lung_ml)} mL of lesion lie outside the lung masks and count in no %.</p>}
          <table className="zone-table">
            <thead>
              <tr><th>Zone</th><th>Lung mL</th><th>Lesion mL</th><th>%</th><th title="0–5 by the bands below">Score</th></tr>
            </thead>
            <tbody>
              {inv.zones.map((z) => (
                <tr key={z.name} data-testid={`zone-${z.name}`} data-pct={z.pct} data-score={z.score}>
                  <td>{ZONE_LABEL[z.name]}</td>
                  <td>{z.lung_ml.toFixed(0)}</td>
                  <td>{ml(z.lesion_ml)}</td>
                  <td>{z.pct.toFixed(1)}</td>
                  <td>{z.score}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            {SIX_ZONE_SCORE_NAME}: <strong data-testid="severity-6zone" data-value={inv.severity_score_6zone}>{inv.severity_score_6zone}</strong>
          </p>
          <details className="quant-help">
            <summary>How these are measured</summary>
            <p>{INVOLVEMENT_DEFINITION}</p>
            <p>{ZONE_DEFINITION}</p>
            <p>{BAND_DEFINITION}</p>
            <ul>
              {SEVERITY_BANDS.map((b) => <li key={b.score}>{b.score}: {b.range}</li>)}
            </ul>
            <p>{SIX_ZONE_SCORE_DEFINITION}</p>
            <p>{LOBAR_SCORE_DEFINITION}</p>
            <p>{LOBE_REGION_DEFINITION}</p>
          </details>
        </section>
      )}

      {lobes && (
        <section aria-label="Lobes">
          <h3>Lobes (your lobe segments)</h3>
          <table className="zone-table">
            <thead>
              <tr><th>Lobe</th><th>Lobe mL</th><th>Lesion mL</th><th>%</th><th>Score</th></tr>
            </thead>
            <tbody>
              {lobes.map((l) => (
                <tr key={l.name} data-testid={`lobe-${l.name}`} data-pct={l.pct} data-score={l.score}>
                  <td>{l.name}</td>
                  <td>{l.lobe_ml.toFixed(0)}</td>
                  <td>{ml(l.lesion_ml)}</td>
                  <td>{l.pct.toFixed(1)}</td>
                  <td>{l.score}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            {LOBAR_SCORE_NAME}:{' '}
            <strong data-testid="severity-lobar" data-value={figures.result?.severity_score_lobar ?? ''}>
              {figures.result?.severity_score_lobar ?? 'not until all five lobes are drawn'}
            </strong>
          </p>
        </section>
      )}

      {lungs.state === 'done' && (
        <section aria-label="Lesions">
          <h3>Lesions {figures.stale && <span className="muted" data-testid="lesion-table-stale">(updating…)</span>}</h3>
          {figures.state === 'failed' && <p className="error-text" role="alert">The lesion figures could not be computed: {figures.error}</p>}
          {lesions.length === 0 ? (
            <p className="muted">{figures.result ? 'No lesion painted yet.' : 'The lesions are measured once you paint.'}</p>
          ) : (
            <table className="zone-table lesion-table" data-testid="lesion-table">
              <thead>
                <tr>
                  <th>#</th>
                  <th title={BIOMARKER_DEFINITIONS.volume_ml}>mL</th>
                  <th title={BIOMARKER_DEFINITIONS.hu_mean}>Mean HU</th>
                  <th title={BIOMARKER_DEFINITIONS.ggo_fraction}>GGO %</th>
                  <th title={BIOMARKER_DEFINITIONS.consolidation_fraction}>Cons. %</th>
                  <th title={BIOMARKER_DEFINITIONS.longest_diameter_mm}>Longest mm</th>
                  <th title={BIOMARKER_DEFINITIONS.zone}>Lung / zone</th>
                </tr>
              </thead>
              <tbody>
                {lesions.map((l) => (
                  <tr
                    key={l.id}
                    data-lesion-id={l.id}
                    data-volume-ml={l.volume_ml}
                    tabIndex={0}
                    className="clickable"
                    title="Show this lesion in the views"
                    onClick={() => run((q) => q.jumpToLesion(l.id))}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') run((q) => q.jumpToLesion(l.id));
                    }}
                  >
                    <td>{l.id}</td>
                    <td>{ml(l.volume_ml)}</td>
                    <td>{l.hu_mean.toFixed(0)}</td>
                    <td>{(100 * l.ggo_fraction).toFixed(0)}</td>
                    <td>{(100 * l.consolidation_fraction).toFixed(0)}</td>
                    <td>{l.longest_diameter_mm.toFixed(1)}</td>
                    <td>{l.zone ? ZONE_LABEL[l.zone] : l.lung === 'none' ? 'outside the lungs' : l.lung}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted">A lesion is a 3D connected region of all your lesion segments together; measured again a second after you stop painting, and written into the read form's report when you submit. Click a row to show it.</p>
        </section>
      )}

      <section aria-label="Lesion suggestion">
        <h3>Lesion suggestion</h3>
        <button onClick={() => run((q) => void q.suggest())} disabled={lungs.state !== 'done' || suggestion.state === 'running'} data-testid="suggest-lesions">
          Suggest lesions
        </button>
        {suggestion.state === 'running' && <Progress task={suggestion} what="Looking for lesions" />}
        {suggestion.state === 'failed' && <p className="error-text" role="alert">No suggestion: {suggestion.error}</p>}
        {suggestion.message && <p className="notice" role="status" data-testid="suggestion-message">{suggestion.message}</p>}
        {suggestion.components.length > 0 && (
          <>
            <p className="muted">
              Shown in magenta over the images. Nothing enters your segmentation until you accept it; accepted lesions go into the active segment
              {activeLabel ? ` (${activeLabel})` : ''}. A click on a shown lesion in the axial view (no paint tool armed) accepts it.
            </p>
            <ul className="suggestion-list">
              {suggestion.components.map((c) => (
                <li key={c.id} data-testid={`suggestion-${c.id}`} data-volume-ml={c.volume_ml}>
                  <span>Lesion {c.id}: {ml(c.volume_ml)} mL, {KIND_LABEL[c.kind]}</span>{' '}
                  <button onClick={() => run((q) => q.accept([c.id]))} data-testid={`accept-suggestion-${c.id}`}>Accept</button>
                </li>
              ))}
            </ul>
            <p>
              <button onClick={() => run((q) => q.acceptAll())} data-testid="accept-all-suggestions">Accept all</button>{' '}
              <button onClick={() => run((q) => q.discard())} data-testid="discard-suggestions">Discard</button>
            </p>
          </>
        )}
      </section>
    </aside>
  );
}
