import { useEffect, useMemo, useState } from 'react';
import { apiFor, UNAUTHENTICATED_EVENT } from './api';
import { LiveProvider, useLiveConnected } from './live';
import { AlertsPage } from './pages/alerts';
import { BatchPage } from './pages/batch';
import { BoardPage } from './pages/board';
import { CalendarPage } from './pages/calendar';
import { CapacityPage } from './pages/capacity';
import { EnrolmentPage } from './pages/enrolment';
import { EquipmentPage } from './pages/equipment';
import { QaPage } from './pages/qa';
import { SignInPage } from './pages/sign-in';
import { WaitlistPage } from './pages/waitlist';
import { href, useRoute, type Page } from './router';
import { can, currentSession, expiredNotice, signOut, type Session } from './session';
import { SessionContext } from './session-context';

const NAV: { page: Page; label: string; shown: (role: string) => boolean }[] = [
  { page: 'board', label: 'Batch board', shown: can.seeBatches },
  { page: 'calendar', label: 'Infusion calendar', shown: can.book },
  { page: 'qa', label: 'QA queue', shown: can.seeQaQueue },
  { page: 'equipment', label: 'Equipment health', shown: can.seeEquipment },
  { page: 'enrolment', label: 'Enrolment', shown: can.book },
  { page: 'waitlist', label: 'Waitlist', shown: can.book },
  { page: 'capacity', label: 'Facility capacity', shown: can.seeCapacity },
  { page: 'alerts', label: 'Alerts', shown: () => true },
];

export function App() {
  const [session, setSession] = useState<Session | undefined>(currentSession);
  const [why, setWhy] = useState<string>();
  const end = (reason?: string) => {
    signOut();
    setSession(undefined);
    setWhy(reason);
  };
  useEffect(() => {
    const refused = (e: Event) => end(`Signed out: ${String((e as CustomEvent<string>).detail)}`);
    window.addEventListener(UNAUTHENTICATED_EVENT, refused);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, refused);
  }, []);
  if (!session) return <SignInPage onSignedIn={(s) => {
          setWhy(undefined);
          setSession(s);
        }} notice={why ?? expiredNotice()} />;
  return (
    <LiveProvider token={session.token}>
      <Shell session={session} onSignOut={() => end()} />
    </LiveProvider>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const api = useMemo(() => apiFor(session.token), [session.token]);
  const connected = useLiveConnected();
  const { identity } = session;
  return (
    <SessionContext.Provider value={{ session, api }}>
      <header className="top">
        <p className="brand">V2V</p>
        <nav aria-label="Pages">
          <ul>
            {NAV.filter((n) => n.shown(identity.role)).map((n) => (
              <li key={n.page}>
                <a href={href(n.page)} aria-current={route.page === n.page ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span title={identity.sites.join(', ') || 'all sites'}>
            {identity.name} · {identity.role} · {identity.sites.length ? identity.sites.join(', ') : 'all sites'}
          </span>
          <span className={connected ? 'live on' : 'live'}>{connected ? 'live' : 'offline'}</span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        {route.page === 'board' && <BoardPage params={route.params} />}
        {route.page === 'batch' && route.id && <BatchPage batchId={route.id} />}
        {route.page === 'calendar' && <CalendarPage siteId={route.id} batchId={route.params.get('batch') ?? undefined} />}
        {route.page === 'qa' && <QaPage />}
        {route.page === 'equipment' && <EquipmentPage unitId={route.id} />}
        {route.page === 'alerts' && <AlertsPage />}
        {route.page === 'enrolment' && <EnrolmentPage params={route.params} />}
        {route.page === 'capacity' && <CapacityPage facilityId={route.id} params={route.params} />}
        {route.page === 'waitlist' && <WaitlistPage centre={route.params.get('centre') ?? undefined} />}
      </main>
    </SessionContext.Provider>
  );
}
