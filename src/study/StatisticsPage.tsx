// A reading study's reader agreement, for its lead: kappas per form item and reader pair,
// Fleiss' kappa, ICCs and Bland–Altman of lesion volume, the Dice of each case and the reading
// time of each read, as tables and as plots (a point names its case; clicking it opens the case's
// review), with the CSV and the study report to download. The figures come from every case's
// kept agreement (GET /api/studies/:id/agreement); the statistics are computed in a worker.
import { useEffect, useState } from 'react';
import { UserMenu } from '../app/LoginPage.tsx';
import { reviewPath } from '../app/routes.ts';
import { loadStudyConfig } from '../contouring/segmentConfig.ts';
import { loadFormSchema } from '../form/loadFormSchema.ts';
import type { CaseProgress, StudyAgreement } from '../model/api.ts';
import { pairFigureDefinitions, STATISTICS_DEFINITIONS } from '../review/definitions.ts';
import { agreementCsv, definitionsCsv, fileSlug } from '../review/exportCsv.ts';
import { statisticsTables, studyReportHtml } from '../review/exportReport.ts';
import { computeStudyStatistics } from '../review/statisticsWorkerClient.ts';
import { statsFormItems, type StatsFormItem, type StudyStatistics } from '../review/studyStatistics.ts';
import { DefinitionsHelp } from '../review/ui/DefinitionsHelp.tsx';
import { PlotView } from '../review/ui/PlotView.tsx';
import { useRouteStore } from '../stores/routeStore.ts';
import { fetchStudyAgreement } from './reviewApi.ts';
import { fetchProgress, fetchStudies } from './studyApi.ts';

interface Loaded {
  stats: StudyStatistics;
  agreement: StudyAgreement;
  cases: Map<number, CaseProgress>;
  readerNames: Record<number, string>;
  formProblem: string | null;
}

/** Hands a text to the browser as a file download. */
function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the Blob to the download; a moment later the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function formItems(): Promise<{ items: StatsFormItem[]; problem: string | null }> {
  try {
    const config = await loadStudyConfig();
    return { items: statsFormItems(config.form ? await loadFormSchema(config.form) : null), problem: null };
  } catch (err) {
    return { items: [], problem: `The read form could not be loaded, so no form item is compared: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function StatisticsPage({ studyId }: { studyId: number }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const navigate = useRouteStore((s) => s.navigate);

  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      const [agreement, progress, studies, form] = await Promise.all([fetchStudyAgreement(studyId), fetchProgress(studyId), fetchStudies(), formItems()]);
      const readerNames: Record<number, string> = {};
      for (const r of progress.readers) readerNames[r.userId] = r.displayName || r.username;
      const studyName = studies.studies.find((s) => s.id === studyId)?.name ?? `Study ${studyId}`;
      const stats = await computeStudyStatistics({ studyId, studyName, agreement, formItems: form.items, readerNames, generatedAt: new Date().toISOString() }, abort.signal);
      if (abort.signal.aborted) return;
      setLoaded({ stats, agreement, cases: new Map(progress.cases.map((c) => [c.id, c])), readerNames, formProblem: form.problem });
    })().catch((err: unknown) => {
      if (!abort.signal.aborted) setError(err instanceof Error ? err.message : String(err));
    });
    return () => abort.abort();
  }, [studyId]);

  const openCase = (caseId: number) => {
    const c = loaded?.cases.get(caseId);
    if (c) navigate(reviewPath(c.studyInstanceUid, c.seriesInstanceUid, caseId));
  };

  const stats = loaded?.stats;
  const definitions = { ...STATISTICS_DEFINITIONS, ...pairFigureDefinitions() };
  const date = stats?.generatedAt.slice(0, 10) ?? '';
  const slug = stats ? fileSlug(stats.studyName) : '';

  return (
    <main className="study-browser statistics-page" data-testid="statistics-page">
      <header className="page-header">
        <button onClick={() => navigate('/')}>← Review queue</button>
        <h1>Reader agreement{stats ? `: ${stats.studyName}` : ''}</h1>
        <DefinitionsHelp title="What the statistics mean" definitions={definitions} testId="statistics-help" />
        <span className="spacer" />
        <UserMenu />
      </header>
      {error && <p className="error-text" role="alert">{error}</p>}
      {!loaded && !error && <p className="muted" role="status">Computing the statistics…</p>}
      {loaded && stats && (
        <>
          <div className="statistics-bar">
            <span data-testid="statistics-counts">
              {stats.summary.cases} case{stats.summary.cases === 1 ? '' : 's'} with an agreement, {stats.summary.reads} reads, {stats.readers.length} readers
            </span>
            <span className="spacer" />
            <button
              data-testid="export-csv"
              onClick={() => download(`agreement-${slug}-${date}.csv`, agreementCsv(stats.studyName, loaded.agreement.cases, (id) => loaded.readerNames[id] ?? `Reader ${id}`), 'text/csv;charset=utf-8')}
            >
              Download CSV
            </button>
            <button data-testid="export-definitions" onClick={() => download(`agreement-${slug}-definitions.csv`, definitionsCsv(definitions), 'text/csv;charset=utf-8')}>
              Definitions (CSV)
            </button>
            <button data-testid="export-report" onClick={() => download(`agreement-${slug}-${date}.html`, studyReportHtml(stats, { figures: definitions }), 'text/html;charset=utf-8')}>
              Download report
            </button>
          </div>
          {stats.summary.cases === 0 && <p className="muted">No case of this study has an agreement yet: the review queue computes them as the cases complete.</p>}
          {loaded.formProblem && <p className="error-text" role="alert">{loaded.formProblem}</p>}
          <ul className="statistics-notes">
            {stats.notes.map((n, i) => <li key={i}>{n}</li>)}
          </ul>
          <div className="plots">
            <PlotView plot={stats.kappaPlot} testId="kappa-plot" />
            <PlotView plot={stats.iccPlot} testId="icc-plot" />
            {stats.volumePairs.map((p) => (
              <PlotView key={`${p.readerA.userId}-${p.readerB.userId}`} plot={p.plot} onOpenCase={openCase} testId="bland-altman-plot" />
            ))}
            <PlotView plot={stats.dicePlot} onOpenCase={openCase} testId="dice-histogram" />
            <PlotView plot={stats.readingTimePlot} onOpenCase={openCase} testId="reading-time-plot" />
          </div>
          {statisticsTables(stats).map((t) => (
            <section key={t.title} className="statistics-table">
              <h2>{t.title}</h2>
              {t.rows.length === 0 ? (
                <p className="muted">None yet.</p>
              ) : (
                <table className="studies">
                  <thead>
                    <tr>{t.head.map((h) => <th key={h}>{h}</th>)}</tr>
                  </thead>
                  <tbody>
                    {t.rows.map((r, i) => (
                      <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          ))}
        </>
      )}
    </main>
  );
}
