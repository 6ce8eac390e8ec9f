import { ForecastBandChart } from '../components/forecast-band-chart';
import { Panel } from '../components/panel';
import { stageLabel, when } from '../format';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';

const round = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1));

/** How the band moved: a chart of the predicted instants, then every forecast made for the batch, at the landmark it was made at, oldest first. */
export function ForecastHistorySection({ batchId, version }: { batchId: string; version: number }) {
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
              <ForecastBandChart forecasts={forecasts} />
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
                      <td>{f.landmark ? `${stageLabel(f.landmark.stage)}, ${when(f.landmark.at)}` : when(f.createdAt)}</td>
                      <td>{f.target}</td>
                      <td>{round(f.p10)}</td>
                      <td>{round(f.p50)}</td>
                      <td>{round(f.p90)}</td>
                      <td>
                        {round(f.p90 - f.p10)} {f.unit}
                      </td>
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
