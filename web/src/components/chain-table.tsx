import type { Schemas } from '../api';
import { when } from '../format';
import { dayBefore, localDay } from './local-day';

export type ChainOffer = Schemas['SlotChainOffer'];
type Band = ChainOffer['forecast']['release'];

const METHOD: Record<ChainOffer['forecast']['method'], string> = {
  'empirical-baseline': "quantiles of the product's past batches",
  'profile-nominal': "the product profile's nominal durations",
};
const bandText = (b: Band) => `${when(b.p10)} – ${when(b.p90)}`;
const bandTitle = (b: Band, offer: ChainOffer) => `median ${when(b.p50)} · forecast from ${METHOD[offer.forecast.method]}`;

/** The chains a patient can have, earliest infusion first, each with a button that books it. */
/** Without `onBook` (a role that may not enrol) the chains are shown only; `siteName` turns a site id into its name. */
export function ChainTable({ chains, onBook, busy, siteName }: { chains: ChainOffer[]; onBook?: ((chain: ChainOffer) => void) | undefined; busy: boolean; siteName: (id: string) => string }) {
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
            <th scope="col">Infusion window</th>
            <th scope="col">Forecast from</th>
            {onBook && (
              <th scope="col">
                <span className="visually-hidden">Book</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {chains.map((c) => (
            <tr key={`${c.enrolWith.collectionDay}|${c.enrolWith.facilityId}`}>
              <th scope="row">
                {localDay(c.collection.day)}
                <div className="muted">{siteName(c.collection.apheresisCenterId)}</div>
              </th>
              <td>
                {localDay(c.manufacturing.lineStartDay)} – {localDay(dayBefore(c.manufacturing.lineEndDay))}
                <div className="muted">{siteName(c.manufacturing.facilityId)}</div>
              </td>
              <td title={bandTitle(c.forecast.release, c)}>{bandText(c.forecast.release)}</td>
              <td title={bandTitle(c.forecast.infusionReady, c)}>{bandText(c.forecast.infusionReady)}</td>
              <td>
                {localDay(c.infusion.earliestDay)} – {localDay(c.infusion.latestDay)}
                <div className="muted">{siteName(c.infusion.treatmentCenterId)}</div>
              </td>
              <td>{c.forecast.method}</td>
              {onBook && (
                <td>
                  <button type="button" disabled={busy} onClick={() => onBook(c)} aria-label={`Book the chain collecting ${c.collection.day} at ${c.manufacturing.facilityId}`}>
                    Book
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
