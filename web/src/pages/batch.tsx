export function BatchPage({ batchId }: { batchId: string }) {
  return <h1>Batch {batchId}</h1>;
}
