import { ForecastBandChart } from '../components/forecast-band-chart';
import { Panel } from '../components/panel';
import { DAY_MS, HOUR_MS } from '../../../src/domain/durations';
import { stageLabel, type BatchTime } from '../format';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';

/** A stored quantile's unit (wall-clock hours from the landmark), in milliseconds. */
const UNIT_MS: Record<string, number> = { hours: HOUR_MS, days: DAY_MS };

/** How the band moved: a chart of the predicted instants, then every forecast made for the batch, at the landmark it was made at, oldest first. */
export function ForecastHistorySection({ batchId, version, time }: { batchId: string; version: number; time: BatchTime }) {
  const { api } = useSession();
  const history = useLoad(() => api.GET('/v1/batches/{id}/forecasts', { params: { path: { id: batchId } } }), [api, batchId, version]);
  return (
    <section aria-labelledby="forecasts" tabIndex={0}>
      <h2 id="forecasts">Forecast history</h2>
      <Panel loaded={history} label="forecast history">
        {({ forecasts }) =>
          forecasts.length === 0 ? (
            <p>No forecasts yet.</p>
          ) : (
            <>
              <ForecastBandChart forecasts={forecasts} time={time} />
              <table>
                <thead>
                  <tr>
                    <th scope="col">Made at</th>
                    <th scope="col">Target</th>
                    <th scope="col">P10</th>
                    <th scope="col">P50</th>
                    <th scope="col">P90</th>
                    <th scope="col">Band width</th>
                    <th scope="col">Model</th>
                  </tr>
                </thead>
                <tbody>
                  {forecasts.map((f) => (
                    <tr key={f.id}>
                      <td>{f.landmark ? `${stageLabel(f.landmark.stage)}, ${time.when(f.landmark.at)}` : time.when(f.createdAt)}</td>
                      <td>{f.target}</td>
                      <td>{time.duration(f.p10 * (UNIT_MS[f.unit] ?? HOUR_MS))}</td>
                      <td>{time.duration(f.p50 * (UNIT_MS[f.unit] ?? HOUR_MS))}</td>
                      <td>{time.duration(f.p90 * (UNIT_MS[f.unit] ?? HOUR_MS))}</td>
                      <td>{time.duration((f.p90 - f.p10) * (UNIT_MS[f.unit] ?? HOUR_MS))}</td>
                      <td>{f.modelId ?? 'baseline'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Panel>
    </section>
  );
}
