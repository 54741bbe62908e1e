// A lead's consensus read of a complete case: a read like any other (a draft kept on this device,
// autosaved, restored after a reload, submitted through the outbox as a SEG and an SR), owned by
// the lead and named a consensus on the archive, that starts from the readers' reads (one of them,
// their union, their intersection or a majority vote) and whose form starts with the answers the
// readers agree on; the lead takes a reader's answer item by item.
import { allItems, type FormSchema } from '../form/formSchema.ts';
import { loadFormSchema } from '../form/loadFormSchema.ts';
import { srToFormAnswers } from '../form/srToForm.ts';
import { answerText, loadCaseReads, type LoadedCase } from '../review/caseReads.ts';
import { consensusStart, type ConsensusStart } from '../review/consensusStart.ts';
import { segWorker } from '../seg/segWorkerClient.ts';
import type { LocalDb } from '../storage/localDb.ts';
import { useCompareStore } from '../stores/compareStore.ts';
import { useContouringStore } from '../stores/contouringStore.ts';
import { useSaveStatusStore } from '../stores/saveStatusStore.ts';
import { ReadSession } from './readSession.ts';

export const CONSENSUS_STARTS: ConsensusStart[] = ['one', 'union', 'intersection', 'majority'];

export class ConsensusRead extends ReadSession {
  private loaded: LoadedCase | null = null;
  private schema: FormSchema | null = null;

  constructor(
    db: LocalDb,
    studyUid: string,
    seriesUid: string,
    lead: string,
    readonly caseId: number,
    private readonly start: { from: ConsensusStart; order: number[] },
  ) {
    super(db, { studyUid, seriesUid, reader: lead, purpose: 'consensus' });
  }

  async shown(): Promise<void> {
    const tools = this.tools;
    if (!tools || this.destroyed) return;
    const store = useCompareStore.getState();
    store.reset();
    store.set({ phase: 'loading', purpose: 'consensus', caseId: this.caseId, message: 'Loading the reads…' });
    const source = tools.segSource;
    const target = { grid: source.grid, slices: source.slices, seriesInstanceUid: source.seriesInstanceUid, frameOfReferenceUid: source.frameOfReferenceUid };
    try {
      [this.loaded, this.schema] = await Promise.all([
        loadCaseReads(this.caseId, this.target.studyUid, target, (bytes, t) => segWorker().decode(bytes, t, { copy: true })),
        tools.config.form ? loadFormSchema(tools.config.form).catch(() => null) : Promise.resolve(null),
      ]);
    } catch (err) {
      if (!this.destroyed) store.set({ phase: 'error', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (this.destroyed) return;
    const reads = this.ordered();
    store.set({
      phase: 'ready',
      message: null,
      readers: reads.map((r) => ({ userId: r.userId, name: r.displayName || r.username, problem: r.problem, hasLabels: r.labels !== null })),
      items: this.formItems(),
    });
    // A draft of this consensus (this device, an earlier visit) is the lead's work: kept as it is.
    if (!this.restored && !tools.contouring.editor.history.canUndo) this.startFromReads();
    await this.prefillAgreedAnswers();
    await super.shown();
  }

  /** The reads in the lead's order (the first decides ties), those without a segmentation last. */
  private ordered() {
    const reads = this.loaded?.reads ?? [];
    const rank = (id: number) => {
      const at = this.start.order.indexOf(id);
      return at < 0 ? this.start.order.length : at;
    };
    return [...reads].sort((a, b) => rank(a.userId) - rank(b.userId) || Number(b.labels !== null) - Number(a.labels !== null));
  }

  private startFromReads(): void {
    const tools = this.tools!;
    const withLabels = this.ordered().filter((r) => r.labels);
    if (withLabels.length === 0) return;
    const from = this.start.from === 'majority' && withLabels.length < 3 ? 'union' : this.start.from;
    const segments = useContouringStore.getState().segments;
    const byLabel = new Map(segments.map((s) => [s.label, s.value]));
    const labels = consensusStart(
      withLabels.map((r) => ({ labels: r.labels!, segments: r.segments.map((s) => ({ value: s.value, label: s.label })) })),
      from,
      byLabel,
      segments[0]?.value ?? 1,
    );
    // Saved as the consensus's first draft at once (replaceLabelmap reports every slice changed).
    tools.contouring.replaceLabelmap(labels, segments.map((s) => ({ ...s, visible: true, locked: false })));
    const names = withLabels.map((r) => r.displayName || r.username);
    const what = from === 'one' ? `the read of ${names[0]}` : `the ${from === 'union' ? 'union' : from === 'intersection' ? 'intersection' : 'majority vote'} of ${names.join(', ')}`;
    useSaveStatusStore.getState().set({ restoredMessage: `Consensus started from ${what}.` });
  }

  /** Each reader's answers as form answers (for "use this answer"). */
  private readerAnswers(userId: number) {
    const read = this.loaded?.reads.find((r) => r.userId === userId);
    return this.schema && read?.answers ? srToFormAnswers(this.schema, read.answers) : {};
  }

  private formItems() {
    if (!this.schema) return [];
    const reads = this.ordered();
    return allItems(this.schema).map((item) => {
      const answers = reads.map((r) => ({ userId: r.userId, text: answerText(r.answers?.find((a) => a.itemId === item.id)) }));
      return { itemId: item.id, label: item.label, answers, differ: new Set(answers.map((x) => x.text)).size > 1 };
    });
  }

  /** Where every reader gave the same answer, the consensus's form starts with it (unless the lead has answers saved). */
  private async prefillAgreedAnswers(): Promise<void> {
    if (!this.schema) return;
    const saved = await this.db.formAnswers.where('[caseKey+user]').equals([this.caseKey, this.target.reader]).count();
    if (saved > 0) return;
    const all = this.ordered().map((r) => this.readerAnswers(r.userId));
    if (all.length === 0) return;
    const now = Date.now();
    for (const item of allItems(this.schema)) {
      const values = all.map((a) => a[item.id]);
      if (values.some((v) => v === undefined || v === null) || new Set(values).size !== 1) continue;
      await this.db.formAnswers.put({ caseKey: this.caseKey, user: this.target.reader, itemId: item.id, value: values[0], updatedAt: now });
    }
  }

  /** The lead takes one reader's answer for a form item. */
  useAnswer(itemId: string, userId: number): void {
    const value = this.readerAnswers(userId)[itemId];
    if (value !== undefined) this.readForm?.answer(itemId, value);
  }
}
