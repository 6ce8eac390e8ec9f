export function QaPage() {
  return <h1>QaPage</h1>;
}
