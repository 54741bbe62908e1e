// The read form beside the images: the generic form, the measuring tools (free, or filling a
// form item), and the list of measurements with "show" and "delete".
import { useShallow } from 'zustand/react/shallow';
import { useReadFormStore } from '../../stores/readFormStore.ts';
import { validateAnswers } from '../formLogic.ts';
import { allItems } from '../formSchema.ts';
import { FormView } from './FormView.tsx';
import { measurementLabel, type MeasurementKind } from '../../measure/measurementModel.ts';
import type { ReadFormSession } from '../readFormSession.ts';
import { useQuantStore } from '../../stores/quantStore.ts';

/** The form item the measured involvement is shown beside (the reader's answer stays theirs). */
const MEASURED_EXTENT_ITEM = 'pneumonia_extent';

export interface ReadFormActions {
  session: () => ReadFormSession | null;
  /** puts the paint tools down before a measuring tool is armed */
  putPaintToolsDown: () => void;
}

const KIND_LABEL: Record<MeasurementKind, string> = { length: 'Length', ellipse: 'Ellipse ROI' };

export function ReadFormPanel({ actions }: { actions: ReadFormActions }) {
  const s = useReadFormStore(
    useShallow((st) => ({ schema: st.schema, schemaError: st.schemaError, answers: st.answers, showIssues: st.showIssues, measurements: st.measurements, measuring: st.measuring, selected: st.selectedMeasurement })),
  );
  const measuredPct = useQuantStore((st) => st.involvement?.involvement_pct.total ?? null);
  const run = (f: (session: ReadFormSession) => void) => {
    const session = actions.session();
    if (session) f(session);
  };
  const arm = (kind: MeasurementKind, itemId: string | null) => {
    actions.putPaintToolsDown();
    run((session) => session.measure(kind, itemId));
  };
  if (s.schemaError) return <p className="error-text" role="alert">Read form unavailable: {s.schemaError}</p>;
  if (!s.schema) return <p className="muted">The read form opens once the series has loaded.</p>;
  const schema = s.schema;
  const issues = validateAnswers(schema, s.answers);
  const itemLabel = (id: string | null) => (id ? (allItems(schema).find((i) => i.id === id)?.label ?? id) : null);

  return (
    <div className="read-form" data-testid="read-form">
      <section className="measure-tools" role="toolbar" aria-label="Measuring tools">
        {(['length', 'ellipse'] as const).map((kind) => (
          <button key={kind} data-measure-tool={kind} aria-pressed={s.measuring?.kind === kind && s.measuring.itemId === null} onClick={() => arm(kind, null)}>
            {KIND_LABEL[kind]}
          </button>
        ))}
      </section>
      {s.measuring && (
        <p className="measure-hint" role="status" data-testid="measure-hint">
          Drag on a view to measure{s.measuring.itemId ? ` ${itemLabel(s.measuring.itemId)}` : ` (${KIND_LABEL[s.measuring.kind].toLowerCase()})`}.{' '}
          <button className="link" onClick={() => useReadFormStore.getState().set({ measuring: null })}>Cancel</button>
        </p>
      )}
      <FormView
        schema={schema}
        answers={s.answers}
        issues={issues}
        showIssues={s.showIssues}
        onAnswer={(itemId, value) => run((session) => session.answer(itemId, value))}
        measurementLabel={(itemId) => {
          const m = s.measurements.find((x) => x.itemId === itemId);
          return m ? `from ${KIND_LABEL[m.kind].toLowerCase()} ${s.measurements.indexOf(m) + 1}` : null;
        }}
        onMeasure={(itemId) => {
          const item = allItems(schema).find((i) => i.id === itemId);
          arm(item?.type === 'measurement' ? item.measurementKind : 'length', itemId);
        }}
        onJumpToMeasurement={(itemId) => run((session) => session.jumpToItem(itemId))}
        itemNote={(itemId) =>
          itemId === MEASURED_EXTENT_ITEM && measuredPct !== null ? (
            <p className="form-help form-measured" data-testid="measured-extent" data-value={measuredPct}>
              measured: {measuredPct.toFixed(1)} % of lung (lesion segments in the automatic lung masks)
            </p>
          ) : null
        }
      />
      {s.measurements.length > 0 && (
        <section className="measurement-list" aria-label="Measurements">
          <h3>Measurements</h3>
          <ol>
            {s.measurements.map((m) => (
              <li key={m.id} data-testid="measurement" data-measurement-id={m.id} aria-current={m.id === s.selected ? 'true' : undefined}>
                <span>{KIND_LABEL[m.kind]}: {measurementLabel(m)}</span>
                {m.itemId && <span className="muted"> → {itemLabel(m.itemId)}</span>}{' '}
                <button className="link" onClick={() => run((session) => session.jumpTo(m.id))}>Show</button>{' '}
                <button className="link" onClick={() => run((session) => session.removeMeasurement(m.id))}>Delete</button>
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
