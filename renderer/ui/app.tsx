// The shell: navigation, the connection banner, the command palette, and the view for
// the current hash route.
import { lazy, Suspense, useEffect, useState } from 'react';
import { useClient } from './api/api-context.js';
import { CommandPalette } from './components/command-palette.js';
import { ConnectionBanner } from './components/connection-banner.js';
import { href, useRoute, type Route } from './lib/routes.js';
import { useLoad } from './lib/use-load.js';
import { RunbooksView } from './views/runbooks/runbooks-view.js';

// The first screen is the Runbooks view: only it is in the first bundle. The editor and
// History carry CodeMirror, a run and the recorder xterm, a runbook's steps the Markdown
// renderer; each view loads when first opened, so the list never waits for them.
const RunbookEditorView = lazy(() => import('./views/editor/editor-view.js').then((m) => ({ default: m.RunbookEditorView })));
const HistoryView = lazy(() => import('./views/history/history-view.js').then((m) => ({ default: m.HistoryView })));
const RunSetupView = lazy(() => import('./views/runbooks/run-setup-view.js').then((m) => ({ default: m.RunSetupView })));
const RunView = lazy(() => import('./views/run/run-view.js').then((m) => ({ default: m.RunView })));
const AuditView = lazy(() => import('./views/audit/audit-view.js').then((m) => ({ default: m.AuditView })));
const AuditRunView = lazy(() => import('./views/audit/audit-run-view.js').then((m) => ({ default: m.AuditRunView })));
const TeamRunView = lazy(() => import('./views/audit/team-run-view.js').then((m) => ({ default: m.TeamRunView })));
const SnapshotsView = lazy(() => import('./views/snapshots/snapshots-view.js').then((m) => ({ default: m.SnapshotsView })));
const ApprovalsView = lazy(() => import('./views/approvals/approvals-view.js').then((m) => ({ default: m.ApprovalsView })));
const RecorderView = lazy(() => import('./views/recorder/recorder-view.js').then((m) => ({ default: m.RecorderView })));

const SECTIONS = [
  { name: 'Runbooks', to: href.runbooks(), views: ['runbooks', 'runbook', 'run', 'edit', 'new', 'history'] },
  { name: 'Audit', to: href.audit(), views: ['audit', 'audit-run', 'team', 'team-run'] },
  { name: 'Snapshots', to: href.snapshots(), views: ['snapshots'] },
  { name: 'Approvals', to: href.approvals(), views: ['approvals'] },
  { name: 'Record', to: href.record(), views: ['record', 'recording'] },
] as const;

export function App() {
  const route = useRoute();
  const client = useClient();
  const info = useLoad(() => client.appInfo({}), []);
  const [palette, setPalette] = useState(false);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setPalette(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Handrail</span>
        <nav aria-label="Main">
          <ul className="nav">
            {SECTIONS.map((section) => {
              const current = (section.views as readonly string[]).includes(route.view);
              return (
                <li key={section.name}>
                  <a href={section.to} aria-current={current ? 'page' : undefined} className={current ? 'active' : undefined}>
                    {section.name}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <button type="button" className="button small palette-button" onClick={() => setPalette(true)} aria-keyshortcuts="Control+K Meta+K">
          Go to runbook… <kbd>Ctrl</kbd>+<kbd>K</kbd>
        </button>
        {info.data ? (
          <span className="whoami small" title={`Workspace ${info.data.workspace} · data ${info.data.dataDir}`}>
            {info.data.operator} · Handrail {info.data.version}
          </span>
        ) : null}
      </header>
      <ConnectionBanner />
      <main id="main" className="main">
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <View route={route} />
        </Suspense>
      </main>
      {palette ? <CommandPalette onClose={() => setPalette(false)} /> : null}
    </div>
  );
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'runbooks':
      return <RunbooksView />;
    case 'runbook':
      return <RunSetupView key={`${route.id}?${route.link ?? ''}`} id={route.id} link={route.link} />;
    case 'run':
      return <RunView key={route.runId} runId={route.runId} />;
    // One element for both scopes, so switching keeps the filters typed so far.
    case 'audit':
    case 'team':
      return <AuditView scope={route.view === 'team' ? 'team' : 'local'} />;
    case 'audit-run':
      return <AuditRunView key={route.runId} runId={route.runId} />;
    case 'team-run':
      return <TeamRunView key={`${route.machineId}/${route.runId}`} machineId={route.machineId} runId={route.runId} />;
    case 'snapshots':
      return <SnapshotsView />;
    case 'approvals':
      return <ApprovalsView requestId={route.requestId} />;
    case 'edit':
      return <RunbookEditorView key={route.id} id={route.id} />;
    case 'new':
      return <RunbookEditorView key="new" />;
    case 'history':
      return <HistoryView key={route.id} id={route.id} />;
    case 'record':
      return <RecorderView />;
    case 'recording':
      return <RecorderView key={route.draftId} draftId={route.draftId} />;
  }
}
