export function CalendarPage({ siteId, batchId }: { siteId?: string | undefined; batchId?: string | undefined }) {
  return <h1>Infusion calendar {siteId} {batchId}</h1>;
}
