// Renders any form schema for the side panel: radio groups, number fields with unit and range,
// measurement fields with a Measure button, text areas. State lives with the caller (answers in,
// onAnswer out); this component only keeps the text of a number being typed.
import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { choiceForKey, visibleItems, type FormAnswer, type FormAnswers, type FormIssue } from '../formLogic.ts';
import type { ChoiceItem, FormItem, FormSchema, MeasurementItem, NumberItem, TextItem } from '../formSchema.ts';
import './form.css';

export interface FormViewProps {
  schema: FormSchema;
  answers: FormAnswers;
  issues: FormIssue[];
  showIssues: boolean;
  onAnswer(itemId: string, value: FormAnswer): void;
  /** e.g. "from length 1" when the item's value came from a measurement; null when typed or empty. */
  measurementLabel?(itemId: string): string | null;
  /** Starts the measuring tool for the item. */
  onMeasure?(itemId: string): void;
  /** Shows the linked measurement in the views. */
  onJumpToMeasurement?(itemId: string): void;
  /** Shown under an item's help (a figure measured on the images beside the reader's own answer). */
  itemNote?(itemId: string): ReactNode;
  disabled?: boolean;
}

// Item ids match [a-z][a-zA-Z0-9_]* (checked by parseFormSchema), so they are safe in ids and selectors.
const inputId = (itemId: string) => `form-input-${itemId}`;
const helpId = (itemId: string) => `form-help-${itemId}`;
const issueId = (itemId: string) => `form-issue-${itemId}`;

interface ItemProps<T extends FormItem> {
  item: T;
  value: FormAnswer | undefined;
  issues: FormIssue[];
  props: FormViewProps;
}

export function FormView(props: FormViewProps) {
  const { schema, answers, issues, showIssues } = props;
  const rootRef = useRef<HTMLFormElement>(null);
  const shown = new Set(visibleItems(schema, answers).map((i) => i.id));
  const issuesOf = (itemId: string) => (showIssues ? issues.filter((i) => i.itemId === itemId) : []);

  const focusItem = (itemId: string) => {
    const container = rootRef.current?.querySelector(`[data-testid="form-item-${itemId}"]`);
    const target = container?.querySelector<HTMLElement>('input:checked, input, textarea');
    target?.focus();
    container?.scrollIntoView({ block: 'nearest' });
  };

  return (
    // A <form> for the landmark and radio grouping; Enter in a field must not submit or reload.
    <form className="form-view" ref={rootRef} data-testid="form-view" aria-label={schema.title} noValidate onSubmit={(e) => e.preventDefault()}>
      {showIssues && issues.length > 0 && (
        <div className="form-summary" role="alert" data-testid="form-summary">
          <p>{issues.length === 1 ? '1 answer needs attention:' : `${issues.length} answers need attention:`}</p>
          <ul>
            {issues.map((issue) => (
              <li key={`${issue.itemId}:${issue.message}`}>
                <a
                  href={`#${inputId(issue.itemId)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    focusItem(issue.itemId);
                  }}
                >
                  {issue.label}: {issue.message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {schema.sections.map((section) => {
        const items = section.items.filter((i) => shown.has(i.id));
        if (items.length === 0) return null;
        return (
          <section className="form-section" key={section.id} aria-labelledby={`form-section-${section.id}`}>
            <h3 id={`form-section-${section.id}`}>{section.title}</h3>
            {items.map((item) => {
              const common = { value: answers[item.id], issues: issuesOf(item.id), props };
              switch (item.type) {
                case 'choice': return <ChoiceField key={item.id} item={item} {...common} />;
                case 'number':
                case 'measurement': return <NumberField key={item.id} item={item} {...common} />;
                case 'text': return <TextField key={item.id} item={item} {...common} />;
              }
            })}
          </section>
        );
      })}
    </form>
  );
}

/** aria-describedby for an item's input: its help text and, when shown, its issues. */
function describedBy(item: FormItem, issues: FormIssue[]): string | undefined {
  const ids = [item.help ? helpId(item.id) : null, issues.length > 0 ? issueId(item.id) : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function Help({ item }: { item: FormItem }) {
  return item.help ? <p className="form-help" id={helpId(item.id)}>{item.help}</p> : null;
}

function Issues({ itemId, issues }: { itemId: string; issues: FormIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <p className="form-issue" id={issueId(itemId)}>
      {issues.map((i) => i.message).join('; ')}
    </p>
  );
}

// "(required)" is part of the label text for screen readers: aria-required is not allowed on a
// radio or a fieldset, and one way of saying it for every kind of item is simpler.
function Required({ item }: { item: FormItem }): ReactNode {
  if (!item.required) return null;
  return (
    <>
      <span className="form-required" title="Required" aria-hidden="true">*</span>
      <span className="form-sr-only"> (required)</span>
    </>
  );
}

function ChoiceField({ item, value, issues, props }: ItemProps<ChoiceItem>) {
  const { onAnswer, disabled } = props;
  // 1..9 pick a choice while focus is anywhere in the group. Stopping the event keeps the viewer's
  // own digit shortcuts (window presets) from firing while the reader answers the form.
  const onKeyDown = (e: KeyboardEvent<HTMLFieldSetElement>) => {
    if (disabled || e.ctrlKey || e.metaKey || e.altKey) return;
    const choice = choiceForKey(item, e.key);
    if (!choice) return;
    e.preventDefault();
    e.stopPropagation();
    onAnswer(item.id, choice.value);
    e.currentTarget.querySelectorAll<HTMLInputElement>('input[type="radio"]')[item.choices.indexOf(choice)]?.focus();
  };
  return (
    <fieldset
      className={issues.length > 0 ? 'form-item form-choice invalid' : 'form-item form-choice'}
      data-testid={`form-item-${item.id}`}
      onKeyDown={onKeyDown}
    >
      <legend>
        {item.label}
        <Required item={item} />
      </legend>
      <Help item={item} />
      {props.itemNote?.(item.id)}
      <div className="form-options">
        {item.choices.map((choice, n) => (
          <label className="form-option" key={choice.value}>
            <input
              type="radio"
              id={n === 0 ? inputId(item.id) : undefined}
              name={item.id}
              value={choice.value}
              checked={value === choice.value}
              disabled={disabled}
              aria-invalid={issues.length > 0 || undefined}
              aria-describedby={describedBy(item, issues)}
              onChange={() => onAnswer(item.id, choice.value)}
            />
            {n < 9 && <kbd className="form-key" aria-hidden="true">{n + 1}</kbd>}
            <span>{choice.label}</span>
          </label>
        ))}
      </div>
      {typeof value === 'string' && value !== '' && !disabled && (
        <button type="button" className="form-clear link" onClick={() => onAnswer(item.id, null)}>
          Clear
        </button>
      )}
      <Issues itemId={item.id} issues={issues} />
    </fieldset>
  );
}

function toDraft(value: FormAnswer | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

function NumberField({ item, value, issues, props }: ItemProps<NumberItem | MeasurementItem>) {
  const { onAnswer, disabled, measurementLabel, onMeasure, onJumpToMeasurement } = props;
  // The typed text is kept apart from the answer so "12." or "-" can be on the way to a number;
  // when the answer changes from outside (a measurement fills it), the text follows. This is
  // React's "adjust state when a prop changes" pattern; Object.is because NaN marks bad input.
  const [draft, setDraft] = useState(() => toDraft(value));
  const [seen, setSeen] = useState<FormAnswer | undefined>(value);
  if (!Object.is(value, seen)) {
    setSeen(value);
    const typed = draft.trim() === '' ? null : Number(draft);
    if (!Object.is(typed, value ?? null)) setDraft(toDraft(value));
  }
  const linked = item.type === 'measurement' ? (measurementLabel?.(item.id) ?? null) : null;
  return (
    <div className={issues.length > 0 ? 'form-item form-number invalid' : 'form-item form-number'} data-testid={`form-item-${item.id}`}>
      <label htmlFor={inputId(item.id)}>
        {item.label}
        <Required item={item} />
      </label>
      <Help item={item} />
      <div className="form-number-row">
        <input
          id={inputId(item.id)}
          type="number"
          inputMode="decimal"
          min={item.min}
          max={item.max}
          step={item.step ?? 'any'}
          value={draft}
          disabled={disabled}
          aria-invalid={issues.length > 0 || undefined}
          aria-describedby={describedBy(item, issues)}
          onChange={(e) => {
            const text = e.target.value;
            setDraft(text);
            // The browser empties value for text that is no number ("1e"); report NaN so the
            // check says "Enter a number" instead of treating the field as unanswered.
            if (e.target.validity.badInput) onAnswer(item.id, NaN);
            else onAnswer(item.id, text.trim() === '' ? null : Number(text));
          }}
        />
        <span className="form-unit" title={item.unit.meaning}>{item.unit.code}</span>
        <span className="form-range">
          {item.min}–{item.max}
        </span>
        {item.type === 'measurement' && onMeasure && (
          <button type="button" className="form-measure" disabled={disabled} onClick={() => onMeasure(item.id)} aria-label={`Measure ${item.label}`}>
            Measure
          </button>
        )}
      </div>
      {linked &&
        (onJumpToMeasurement ? (
          <button type="button" className="form-linked link" onClick={() => onJumpToMeasurement(item.id)} title="Show this measurement in the views">
            → {linked}
          </button>
        ) : (
          <span className="form-linked">{linked}</span>
        ))}
      <Issues itemId={item.id} issues={issues} />
    </div>
  );
}

function TextField({ item, value, issues, props }: ItemProps<TextItem>) {
  const { onAnswer, disabled } = props;
  const text = typeof value === 'string' ? value : '';
  return (
    <div className={issues.length > 0 ? 'form-item form-text invalid' : 'form-item form-text'} data-testid={`form-item-${item.id}`}>
      <label htmlFor={inputId(item.id)}>
        {item.label}
        <Required item={item} />
      </label>
      <Help item={item} />
      <textarea
        id={inputId(item.id)}
        rows={item.maxLength > 200 ? 3 : 2}
        maxLength={item.maxLength}
        value={text}
        disabled={disabled}
        aria-invalid={issues.length > 0 || undefined}
        aria-describedby={describedBy(item, issues)}
        onChange={(e) => onAnswer(item.id, e.target.value === '' ? null : e.target.value)}
      />
      <span className="form-count" aria-hidden="true">
        {text.length} / {item.maxLength}
      </span>
      <Issues itemId={item.id} issues={issues} />
    </div>
  );
}
