import { when } from '../format';
import { dayBefore, localDay } from './local-day';

/** A forecast band of instants: P10, P50, P90. */
export interface InstantBand {
  p10: string;
  p50: string;
  p90: string;
}

/** One feasible slot chain as the enrolment page shows it (local days at each site, forecast instants). */
export interface ChainView {
  /** What the booking sends back to name this chain. */
  key: string;
  collectionDay: string;
  apheresisCentre: string;
  facility: string;
  lineStartDay: string;
  /** Exclusive: the line is free again from this day. */
  lineEndDay: string;
  infusionDay: string;
  /** The days the LD rule allows for the infusion, if the API gives a window. */
  infusionWindow?: { earliest: string; latest: string } | undefined;
  release?: InstantBand | null | undefined;
  infusionReady?: InstantBand | null | undefined;
  /** Where the bands come from (a model's version, or the profile's nominal durations). */
  forecastBasis?: string | undefined;
}

const bandText = (b: InstantBand | null | undefined) => (b ? `${when(b.p10)} – ${when(b.p90)}` : '—');

/** The chains a patient can have, earliest first, each with a button that books it. */
export function ChainTable({ chains, onBook, busy }: { chains: ChainView[]; onBook: (chain: ChainView) => void; busy: boolean }) {
  return (
    <div className="scroll" role="region" aria-label="Feasible slot chains" tabIndex={0}>
      <table>
        <caption className="visually-hidden">Feasible slot chains, earliest infusion first</caption>
        <thead>
          <tr>
            <th scope="col">Collection</th>
            <th scope="col">Manufacturing line</th>
            <th scope="col">Release P10–P90</th>
            <th scope="col">Infusion-ready P10–P90</th>
            <th scope="col">Infusion</th>
            <th scope="col">
              <span className="visually-hidden">Book</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {chains.map((c) => (
            <tr key={c.key}>
              <th scope="row">
                {localDay(c.collectionDay)}
                <div className="muted">{c.apheresisCentre}</div>
              </th>
              <td>
                {localDay(c.lineStartDay)} – {localDay(dayBefore(c.lineEndDay))}
                <div className="muted">{c.facility}</div>
              </td>
              <td title={c.release ? `median ${when(c.release.p50)}${c.forecastBasis ? ` · ${c.forecastBasis}` : ''}` : undefined}>{bandText(c.release)}</td>
              <td title={c.infusionReady ? `median ${when(c.infusionReady.p50)}${c.forecastBasis ? ` · ${c.forecastBasis}` : ''}` : undefined}>{bandText(c.infusionReady)}</td>
              <td>
                {localDay(c.infusionDay)}
                {c.infusionWindow && (
                  <div className="muted">
                    window {localDay(c.infusionWindow.earliest)} – {localDay(c.infusionWindow.latest)}
                  </div>
                )}
              </td>
              <td>
                <button type="button" disabled={busy} onClick={() => onBook(c)} aria-label={`Book the chain collecting ${c.collectionDay} at ${c.facility}`}>
                  Book
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
